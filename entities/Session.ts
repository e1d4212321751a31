import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * One login on one device. Access tokens carry its id (`sid`); the refresh
 * token is `<id>.<secret>` and only a hash of the current secret is stored, so
 * each refresh rotates it and a replayed old secret revokes the whole session.
 */
@Entity({ name: "sessions" })
export class Session {
  @PrimaryColumn("uuid")
  id!: string;

  @Column("uuid", { name: "account_id" })
  accountId!: string;

  @Column("text", { name: "refresh_hash" })
  refreshHash!: string;

  @Column("integer", { default: 0 })
  rotations!: number;

  @Column("timestamptz", { name: "expires_at" })
  expiresAt!: Date;

  @Column("timestamptz", { name: "revoked_at", nullable: true })
  revokedAt!: Date | null;

  @Column("text", { name: "revoked_reason", nullable: true })
  revokedReason!: string | null;

  @Column("text", { nullable: true })
  ip!: string | null;

  @Column("text", { name: "user_agent", nullable: true })
  userAgent!: string | null;

  @Column("timestamptz", { name: "created_at", default: () => "now()" })
  createdAt!: Date;
}
