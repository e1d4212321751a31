import { Column, Entity, PrimaryColumn } from "typeorm";

/** A login. Characters hang off it; roles and bans are account-wide. */
@Entity({ name: "accounts" })
export class Account {
  @PrimaryColumn("uuid")
  id!: string;

  /** As typed at registration; uniqueness is case-insensitive (index on lower(username)). */
  @Column("varchar", { length: 24 })
  username!: string;

  @Column("text", { name: "password_hash" })
  passwordHash!: string;

  @Column("text", { array: true, default: () => "'{player}'" })
  roles!: string[];

  /** Bumped to invalidate every token of the account at once (password change, ban). */
  @Column("integer", { name: "token_version", default: 0 })
  tokenVersion!: number;

  @Column("integer", { name: "failed_login_count", default: 0 })
  failedLoginCount!: number;

  @Column("timestamptz", { name: "locked_until", nullable: true })
  lockedUntil!: Date | null;

  /** `null`: not banned. Permanent bans use a far-future date so one comparison covers both. */
  @Column("timestamptz", { name: "banned_until", nullable: true })
  bannedUntil!: Date | null;

  @Column("text", { name: "ban_reason", nullable: true })
  banReason!: string | null;

  /** `null`: free to chat. */
  @Column("timestamptz", { name: "muted_until", nullable: true })
  mutedUntil!: Date | null;

  @Column("text", { name: "mute_reason", nullable: true })
  muteReason!: string | null;

  /**
   * RFC 6238 secret, sealed with AES-256-GCM (`v1:…`, see src/framework/auth/SecretBox.ts;
   * plain base32 from older versions is sealed at start); set at enrolment, in
   * force once `totpEnabledAt` is set.
   */
  @Column("text", { name: "totp_secret", nullable: true })
  totpSecret!: string | null;

  @Column("timestamptz", { name: "totp_enabled_at", nullable: true })
  totpEnabledAt!: Date | null;

  /** The last 30-second time-step whose code was used: only a later one is accepted (codes are single-use). */
  @Column("bigint", { name: "totp_last_step", nullable: true })
  totpLastStep!: string | null;

  @Column("timestamptz", { name: "created_at", default: () => "now()" })
  createdAt!: Date;

  @Column("timestamptz", { name: "last_login_at", nullable: true })
  lastLoginAt!: Date | null;
}
