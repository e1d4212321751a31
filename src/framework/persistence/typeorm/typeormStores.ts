import type { DataSource } from "typeorm";
import type { Stores } from "../ports/Stores.js";
import { TypeormAccountStore } from "./TypeormAccountStore.js";
import { TypeormApprovalStore } from "./TypeormApprovalStore.js";
import { TypeormAuditStore } from "./TypeormAuditStore.js";
import { TypeormCharacterRecordStore } from "./TypeormCharacterRecordStore.js";
import { TypeormCharacterRosterStore } from "./TypeormCharacterRosterStore.js";
import { TypeormContentRevisionStore } from "./TypeormContentRevisionStore.js";
import { TypeormEscalationStore } from "./TypeormEscalationStore.js";
import { TypeormGameEventStore } from "./TypeormGameEventStore.js";
import { TypeormGmActionStore } from "./TypeormGmActionStore.js";
import { TypeormLedgerStore } from "./TypeormLedgerStore.js";
import { TypeormLockoutStore } from "./TypeormLockoutStore.js";
import { TypeormPermissionStore } from "./TypeormPermissionStore.js";
import { TypeormSanctionStore } from "./TypeormSanctionStore.js";
import { TypeormSecretStore } from "./TypeormSecretStore.js";
import { TypeormSessionStore } from "./TypeormSessionStore.js";
import { TypeormTotpStore } from "./TypeormTotpStore.js";

/**
 * The TypeORM adapter of every port, on one `DataSource` of the `postgres`
 * type: a PostgreSQL pool, or the embedded PGlite (one session in a worker
 * thread, each connection's transaction kept apart from the others'
 * statements: see embedded/sessionArbiter.ts).
 */
export function typeormStores(db: DataSource): Stores {
  return {
    accounts: new TypeormAccountStore(db),
    sessions: new TypeormSessionStore(db),
    lockout: new TypeormLockoutStore(db),
    totp: new TypeormTotpStore(db),
    permissions: new TypeormPermissionStore(db),
    escalations: new TypeormEscalationStore(db),
    secrets: new TypeormSecretStore(db),
    audit: new TypeormAuditStore(db),
    gmActions: new TypeormGmActionStore(db),
    approvals: new TypeormApprovalStore(db),
    gameEvents: new TypeormGameEventStore(db),
    ledger: new TypeormLedgerStore(db),
    contentRevisions: new TypeormContentRevisionStore(db),
    sanctions: new TypeormSanctionStore(db),
    characterRecords: new TypeormCharacterRecordStore(db),
    characterRoster: new TypeormCharacterRosterStore(db),
  };
}
