/**
 * Access and refresh token handling.
 *
 * @implements @.aiwg/architecture/decisions/ADR-002-jwt-access-tokens.md
 * @requirement @.aiwg/requirements/nfr-modules/security.md
 * @tests .aiwg/testing/test-strategy.md
 * @security .aiwg/security/threat-model.md#spoofing
 * @see https://www.rfc-editor.org/rfc/rfc8725
 */
import { createHash, randomBytes } from "node:crypto";
import { signJwt, verifyJwt } from "@/auth/keys";
import { tokenStore } from "@/db/token-store";

/** Access tokens live 10 minutes (ADR-002, NFR-SEC-002). */
export const ACCESS_TOKEN_TTL_SECONDS = 10 * 60;
/** Refresh tokens live 14 days and rotate on every use. */
export const REFRESH_TOKEN_TTL_SECONDS = 14 * 24 * 60 * 60;

export interface Claims {
  sub: string;
  tenant: string;
  scope: string[];
}

export function issueAccessToken(claims: Claims): Promise<string> {
  return signJwt(claims, ACCESS_TOKEN_TTL_SECONDS);
}

export function verifyAccessToken(token: string): Promise<Claims> {
  return verifyJwt<Claims>(token);
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Exchanges a refresh token for a new pair. Presenting a token that was already
 * rotated revokes the whole family — that is how replay is detected (R-004 covers
 * the key side; replay is the "Spoofing" row in the threat model).
 *
 * @param presented - the refresh token sent by the client
 * @returns a fresh access token and a fresh refresh token
 */
export async function rotateRefreshToken(presented: string): Promise<{ access: string; refresh: string }> {
  const record = await tokenStore.findByHash(hashToken(presented));
  if (!record) {
    throw new Error("unknown refresh token");
  }
  if (record.rotatedAt) {
    await tokenStore.revokeFamily(record.familyId);
    throw new Error("refresh token reuse detected");
  }
  const refresh = randomBytes(32).toString("base64url");
  await tokenStore.rotate(record.id, hashToken(refresh), REFRESH_TOKEN_TTL_SECONDS);
  const access = await issueAccessToken(record.claims);
  return { access, refresh };
}
