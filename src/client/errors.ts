/**
 * What a LicensorClient call rejects with. Every method resolves with its endpoint's success
 * body; validate also resolves with every license-state outcome (they are 200 answers) and with
 * offline answers when the server cannot be reached.
 */

/** Why a response was refused: it cannot be trusted, so nothing in it is used. */
export type ResponseRefusal = 'UNSIGNED' | 'BAD_SIGNATURE' | 'STALE' | 'MALFORMED';

/**
 * The response did not come provably and freshly from the server: no or a malformed signature,
 * a signature that does not verify (altered body, another key, another request's nonce), a
 * timestamp more than 300 s from this machine's clock, or a verified body of the wrong shape.
 */
export class LicensorResponseError extends Error {
  constructor(
    readonly reason: ResponseRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'LicensorResponseError';
  }
}

/**
 * A signed, verified refusal (4xx, PROTOCOL.md section 6): `error` is the protocol's code, such
 * as BAD_REQUEST, STALE_TIMESTAMP, RATE_LIMITED, NOT_FOUND, TOO_MANY_MACHINES or MACHINE_NOT_FOUND.
 */
export class LicensorApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    /** From Retry-After on a 429. */
    readonly retryAfterSeconds: number | null,
  ) {
    super(message);
    this.name = 'LicensorApiError';
  }
}

/**
 * The server could not be reached: a network error, a timeout or a 5xx. validate answers from
 * the offline cache instead; activate, deactivate and publicKey reject with this.
 */
export class LicensorUnreachableError extends Error {
  constructor(
    message: string,
    /** The HTTP status of a 5xx answer, null for a network error or timeout. */
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LicensorUnreachableError';
  }
}
