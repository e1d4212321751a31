import type { AccountStore } from "./AccountStore.js";
import type { ApprovalStore } from "./ApprovalStore.js";
import type { AuditStore } from "./AuditStore.js";
import type { CharacterRecordStore } from "./CharacterRecordStore.js";
import type { CharacterRosterStore } from "./CharacterRosterStore.js";
import type { ContentRevisionStore } from "./ContentRevisionStore.js";
import type { EscalationStore } from "./EscalationStore.js";
import type { GameEventStore } from "./GameEventStore.js";
import type { GmActionStore } from "./GmActionStore.js";
import type { LedgerStore } from "./LedgerStore.js";
import type { LockoutStore } from "./LockoutStore.js";
import type { PermissionStore } from "./PermissionStore.js";
import type { SanctionStore } from "./SanctionStore.js";
import type { SecretStore } from "./SecretStore.js";
import type { SessionStore } from "./SessionStore.js";
import type { TotpStore } from "./TotpStore.js";

/**
 * Every store the server's services work on, one port each. `startServer`
 * builds one adapter per port (see `typeormStores`) and hands each service
 * the ports it needs; a service never sees the database itself.
 */
export interface Stores {
  accounts: AccountStore;
  sessions: SessionStore;
  lockout: LockoutStore;
  totp: TotpStore;
  permissions: PermissionStore;
  escalations: EscalationStore;
  secrets: SecretStore;
  audit: AuditStore;
  gmActions: GmActionStore;
  approvals: ApprovalStore;
  gameEvents: GameEventStore;
  ledger: LedgerStore;
  contentRevisions: ContentRevisionStore;
  sanctions: SanctionStore;
  characterRecords: CharacterRecordStore;
  characterRoster: CharacterRosterStore;
}
