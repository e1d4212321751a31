import { allows, type PermissionSet } from "../../../src/framework/auth/permissions.js";
import type { Session } from "../shared/Session.js";

export interface Me {
  accountId: string;
  username: string;
  roles: string[];
  escalation: { role: string; expiresAt: string } | null;
  permissions: PermissionSet;
}

export interface CommandInfo {
  name: string;
  permission: string;
  usage: string;
  help: string;
  reversible: boolean;
  replayable: boolean;
}

/** The command with its own panel (the player inspector); every other usable command is in the GM console. */
export const INSPECT = "inspect";

/**
 * What this account may use, as the server says now: its effective
 * permissions (`GET /api/v1/admin/me`, checked with the server's own wildcard
 * rules) and the GM commands it may run (`GET /api/v1/admin/commands`). The
 * console shows only those parts; the server checks every call again anyway.
 */
export class Capabilities {
  private constructor(
    readonly me: Me,
    readonly commands: CommandInfo[],
  ) {}

  static async load(session: Session): Promise<Capabilities> {
    const [me, commands] = await Promise.all([
      session.call<Me>("/api/v1/admin/me"),
      session.call<CommandInfo[]>("/api/v1/admin/commands"),
    ]);
    return new Capabilities(me, commands);
  }

  can(permission: string): boolean {
    return allows(this.me.permissions, permission);
  }

  command(name: string): CommandInfo | undefined {
    return this.commands.find((c) => c.name === name);
  }

  /** Commands for the GM console: everything usable except what has its own panel. */
  get consoleCommands(): CommandInfo[] {
    return this.commands.filter((c) => c.name !== INSPECT);
  }

  /** True when the account has nothing the console could show. */
  get nothing(): boolean {
    return this.commands.length === 0 && this.me.permissions.grants.length === 0;
  }
}
