import { CR1_MAX_EDGE, type InterlockAction, type InterlockRules } from "./config.js";
import { rollDamage } from "./damage.js";
import { beats } from "./interlockTable.js";
import {
  SIDES,
  otherSide,
  type DuelState,
  type FighterSnapshot,
  type HpIs,
  type RollKind,
  type RollLog,
  type RoundLog,
  type Side,
  type Sides,
} from "./interlockLog.js";
import { levelModifier } from "./levelModifier.js";
import { nextFloat } from "./rng.js";
import { rated } from "./stats.js";

/**
 * One interlock round, pure: the live system and `replayInterlock` both call
 * this, which is what makes replays exact. Draw order is fixed (withdraw
 * contests, then attack rolls, then damage, then daze; side a before b) and
 * every draw is logged.
 */
export function resolveRound(
  rules: InterlockRules,
  fighters: Sides<FighterSnapshot>,
  duel: DuelState,
  inputs: Sides<InterlockAction | null>,
  external: Sides<HpIs>,
  tick: number,
): { duel: DuelState; entry: RoundLog } {
  const rng = { ...duel.rng };
  const rolls: RollLog[] = [];
  const draw = (side: Side, kind: RollKind, scale: number): number => {
    const u = nextFloat(rng);
    rolls.push({ side, kind, u, value: u * scale });
    return u * scale;
  };

  const hp = { a: duel.hp.a + external.a.hp, b: duel.hp.b + external.b.hp };
  const is = { a: duel.is.a + external.a.is, b: duel.is.b + external.b.is };
  const actions = {
    a: chooseAction(rules, inputs.a, duel.lastAction.a, is.a),
    b: chooseAction(rules, inputs.b, duel.lastAction.b, is.b),
  };
  for (const side of SIDES) is[side] = Math.max(0, is[side] - rules.actions[actions[side]].isCost);

  const daze = (side: Side) => (duel.dazed[side] ? 1 - rules.dazePenalty : 1);
  const levelMod = (side: Side) => 1 + levelModifier(fighters[side].level - fighters[otherSide(side)].level);
  const accuracy = (side: Side) =>
    rated(fighters[side].style.accuracy, fighters[side].stats, "meleeAccuracy") * levelMod(side) * daze(side);
  const defence = (side: Side) =>
    rated(fighters[side].meleeDefence, fighters[side].stats, "meleeDefence") * daze(side);

  // Withdraw first: a fighter who gets away takes no blow that round. Two
  // fighters who both want out simply part.
  const escaped = { a: false, b: false };
  if (actions.a === "withdraw" && actions.b === "withdraw") {
    escaped.a = escaped.b = true;
  } else {
    for (const side of SIDES) {
      if (actions[side] !== "withdraw") continue;
      const opponent = otherSide(side);
      const flee = draw(side, "withdraw", defence(side) * rules.withdrawFactor * levelMod(side));
      const chase = draw(opponent, "pursuit", accuracy(opponent));
      escaped[side] = flee > chase;
    }
  }

  const hits = { a: false, b: false };
  let decidedBy: RoundLog["decidedBy"];
  if (escaped.a || escaped.b) {
    decidedBy = "withdraw";
  } else if (rules.ruleset === "cr1") {
    const result = cr1Winner(rules, actions, duel.dazed, (edge) => {
      const rating = (side: Side) => ((accuracy(side) + defence(side)) / 2) * edge[side];
      const ra = draw("a", "rating", rating("a"));
      const rb = draw("b", "rating", rating("b"));
      return ra > rb ? "a" : rb > ra ? "b" : null;
    });
    decidedBy = result.decidedBy;
    if (result.winner) hits[result.winner] = true;
  } else {
    decidedBy = "rolls";
    for (const side of SIDES) {
      const opponent = otherSide(side);
      const mine = rules.actions[actions[side]];
      if (mine.attack <= 0) continue;
      const edge = beats(actions[side], actions[opponent]) ? rules.advantage : 1;
      const counterEdge = beats(actions[opponent], actions[side]) ? rules.advantage : 1;
      const attack = draw(side, "attack", accuracy(side) * mine.attack * edge);
      const guard = draw(
        opponent,
        "defence",
        defence(opponent) * rules.actions[actions[opponent]].defence * counterEdge,
      );
      hits[side] = attack > guard;
    }
  }

  const dealt = { a: 0, b: 0 };
  for (const side of SIDES) {
    if (!hits[side]) continue;
    const me = fighters[side];
    const target = fighters[otherSide(side)];
    const base = rated(me.style.damage, me.stats, "meleeDamage") * rules.actions[actions[side]].damage;
    const resistance = rated(target.meleeResistance, target.stats, "meleeResistance");
    const u = nextFloat(rng);
    dealt[side] = rollDamage(base, u, rules.damageVariance, resistance);
    rolls.push({ side, kind: "damage", u, value: dealt[side] });
  }
  hp.a = Math.max(0, hp.a - dealt.b);
  hp.b = Math.max(0, hp.b - dealt.a);

  const dazed = { a: false, b: false };
  for (const side of SIDES) {
    const opponent = otherSide(side);
    if (!hits[side] || actions[side] !== "quick" || hp[opponent] <= 0) continue;
    dazed[opponent] = draw(side, "daze", 1) < rules.dazeChance;
  }

  for (const side of SIDES) {
    if (actions[side] !== "block") continue;
    const gain = rated(rules.blockIsGain, fighters[side].stats, "innerStrength");
    is[side] = Math.min(fighters[side].maxIs, is[side] + gain);
  }

  const round = duel.round + 1;
  const entry: RoundLog = {
    round,
    tick,
    inputs: { ...inputs },
    external: { a: { ...external.a }, b: { ...external.b } },
    actions,
    dazedBefore: { ...duel.dazed },
    rolls,
    decidedBy,
    label: `${hits.a ? "win" : "lose"}/${hits.b ? "win" : "lose"}`,
    hits,
    dealt,
    escaped,
    dazed,
    after: { a: { hp: hp.a, is: is.a }, b: { hp: hp.b, is: is.b } },
  };
  return { duel: { round, rng, hp, is, dazed, lastAction: actions }, entry };
}

/**
 * A submitted action wins; otherwise a withdrawing fighter keeps trying (MxO's
 * withdraw repeats every round until it works or is cancelled), anyone else
 * gets the default. An action the fighter cannot pay for becomes `quick`.
 */
function chooseAction(
  rules: InterlockRules,
  input: InterlockAction | null,
  last: InterlockAction | null,
  is: number,
): InterlockAction {
  const chosen = input ?? (last === "withdraw" ? "withdraw" : rules.defaultAction);
  return rules.actions[chosen].isCost > is ? "quick" : chosen;
}

/**
 * CR1 is zero-sum: at most one fighter lands a blow, the one with the higher
 * opposed roll. The fighter whose tactic beats the other's on the table (and is
 * not dazed) rolls with the bounded edge `cr1Edge`, so tactics tilt a round
 * without settling it. A block that wins counters.
 */
function cr1Winner(
  rules: InterlockRules,
  actions: Sides<InterlockAction>,
  dazedBefore: Sides<boolean>,
  roll: (edge: Sides<number>) => Side | null,
): { winner: Side | null; decidedBy: RoundLog["decidedBy"] } {
  for (const side of SIDES) {
    // Only reached when the withdraw failed: an attacking opponent lands freely.
    if (actions[side] !== "withdraw") continue;
    const opponent = otherSide(side);
    return rules.actions[actions[opponent]].attack > 0
      ? { winner: opponent, decidedBy: "withdraw" }
      : { winner: null, decidedBy: "idle" };
  }
  if (actions.a === "block" && actions.b === "block") return { winner: null, decidedBy: "idle" };
  const edge = { a: 1, b: 1 };
  let decidedBy: RoundLog["decidedBy"] = "roll";
  for (const side of SIDES) {
    if (beats(actions[side], actions[otherSide(side)]) && !dazedBefore[side]) {
      edge[side] = cr1Edge(rules);
      decidedBy = "table";
    }
  }
  return { winner: roll(edge), decidedBy };
}

/** The CR1 table edge actually applied: never below 1 (no penalty), never above CR1_MAX_EDGE. */
export function cr1Edge(rules: InterlockRules): number {
  return Math.min(CR1_MAX_EDGE, Math.max(1, rules.cr1Edge));
}
