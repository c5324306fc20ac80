/**
 * The browsers the signed-in user works from (docs/adr/0027): the list, and signing one out
 * remotely (`revokeDevice`), which deletes what it keeps at its next request.
 */
import { ApiError, gql } from "./client";

export interface SignedInDevice {
  id: string;
  name: string;
  firstSeenAt: string;
  lastSeenAt: string;
  revokedAt: string | null;
  /** The browser this list was asked from. */
  current: boolean;
}

type Failure = { __typename: string; code: string; message: string };

const FIELDS = "id name firstSeenAt lastSeenAt revokedAt current";

/** This browser first, then the others by last use; revoked ones last. */
export function ordered(devices: readonly SignedInDevice[]): SignedInDevice[] {
  const rank = (d: SignedInDevice): number => (d.current ? 0 : d.revokedAt === null ? 1 : 2);
  return [...devices].sort((a, b) => rank(a) - rank(b) || b.lastSeenAt.localeCompare(a.lastSeenAt));
}

export async function signedInDevices(): Promise<SignedInDevice[]> {
  return ordered((await gql<{ devices: SignedInDevice[] }>(`{ devices { ${FIELDS} } }`)).devices);
}

export async function revokeDevice(id: string): Promise<SignedInDevice> {
  const { revokeDevice: result } = await gql<{ revokeDevice: SignedInDevice | Failure }, { id: string }>(
    `mutation ($id: ID!) { revokeDevice(deviceId: $id) {
      __typename ... on Device { ${FIELDS} } ... on Error { code message } } }`,
    { id },
  );
  if ("code" in result) throw new ApiError(result.code, result.message);
  return result;
}
