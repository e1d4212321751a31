import { AppError } from "../util/errors.js";

/**
 * Staff are every account with more than a player's standing: any role but
 * `player`, or a permission granted to the account itself (an override).
 */
export function isStaff(roles: readonly string[], hasGrantedPermissions: boolean): boolean {
  return hasGrantedPermissions || roles.some((r) => r !== "player");
}

/**
 * With STAFF_MFA_REQUIRED a staff session counts only once it proved a second
 * factor (a one-time code at login, or the code that turned TOTP on). Until
 * then its token reaches only what it takes to comply: TOTP enrolment and
 * logout.
 */
export function staffMfaError(totpEnabled: boolean): AppError {
  return new AppError(
    "mfa_required",
    403,
    totpEnabled
      ? "Staff accounts need two-factor authentication: log in again with your one-time code (totp)"
      : "Staff accounts need two-factor authentication: POST /auth/totp/enroll {password}, then POST /auth/totp/verify {code}",
  );
}
