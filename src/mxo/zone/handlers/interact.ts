import { InteractMessage } from "../../contract/clientMessages.js";
import { handler } from "./MessageHandler.js";

/** How close a player must stand to talk to someone (beyond a contact's own radius), in world units. */
const INTERACT_REACH = 6;

/**
 * `interact {target}`: talk to a contact of this district (content id) or an
 * NPC in the room (its id) within reach. It advances `meet` objectives and
 * answers `interact {kind:"met", …}` with who it was.
 */
export const interact = handler({
  type: "interact",
  schema: InteractMessage,
  handle(ctx, client, msg) {
    const player = ctx.sim.player(client.sessionId);
    if (!player) return;
    if (player.dead) return ctx.error(client, "dead", "You cannot talk while defeated");
    const contact = ctx.content.contact(msg.target);
    if (contact) {
      if (contact.location.district !== ctx.def.id) {
        return ctx.error(client, "too_far", `${contact.name} is in ${contact.location.district}`);
      }
      const distance = Math.hypot(contact.location.x - player.x, contact.location.y - player.y);
      if (distance > contact.location.radius + INTERACT_REACH) {
        return ctx.error(client, "too_far", `${contact.name} is ${Math.round(distance)} units away`);
      }
      client.send("interact", {
        kind: "met",
        target: contact.id,
        name: contact.name,
        description: contact.description,
      });
      ctx.missions.event(client.sessionId, { kind: "meet", contact: contact.id });
      return;
    }
    const npc = ctx.sim.npc(msg.target);
    if (!npc || npc.state === "dead") {
      return ctx.error(client, "not_found", `Nobody called "${msg.target}" is here`);
    }
    const distance = Math.hypot(npc.x - player.x, npc.y - player.y);
    if (distance > INTERACT_REACH) {
      return ctx.error(client, "too_far", `${npc.name} is ${Math.round(distance)} units away`);
    }
    client.send("interact", { kind: "met", target: npc.id, name: npc.name, template: npc.template });
    ctx.missions.event(client.sessionId, { kind: "meet", contact: npc.template });
  },
});
