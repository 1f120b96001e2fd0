import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Every address that is not plain global unicast: loopback, private, link-local, CGNAT,
 * multicast, reserved, documentation, and IPv6 forms that carry an IPv4 address inside
 * (IPv4-mapped `::ffff:7f00:1`, NAT64, 6to4, Teredo). Classified by ipaddr.js, a maintained
 * library, on the parsed address — never by string prefixes.
 */
export function isPrivateAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return true; // not an address we can vouch for
  return ipaddr.process(ip).range() !== 'unicast';
}

/** A connection refused because of where it would go. */
export class PrivateAddressError extends Error {
  override readonly name = 'PrivateAddressError';
  constructor(host: string, address: string) {
    super(`refused: ${host} is a private or loopback address (${address}); pass --allow-private to allow the listing's own host`);
  }
}

/** The host of a URL as an address, when it is one (`[::1]` → `::1`). */
function literal(hostname: string): string | null {
  const host = hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? host : null;
}

/**
 * Refuse a URL whose host is a private address literal (URL parsing has already turned
 * `2130706433`, `0177.0.0.1` and `127.1` into `127.0.0.1`), unless it is one of `allowed`.
 * Names are checked when they are resolved, by `guardedLookup`.
 */
export function assertPublicLiteral(hostname: string, allowed: ReadonlySet<string>): void {
  const ip = literal(hostname);
  if (ip !== null && isPrivateAddress(ip) && !allowed.has(hostname)) throw new PrivateAddressError(hostname, ip);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the sockets of the crawler: resolves the name once, refuses it when any of its
 * addresses is private (unless the name is in `allowed`), and hands the socket exactly the
 * addresses it checked — no second resolution between the check and the connection, so a DNS
 * answer that changes (rebinding) cannot slip through.
 */
export function guardedLookup(allowed: ReadonlySet<string>) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true, family: typeof options.family === 'number' ? options.family : 0 }, (error, addresses) => {
      if (error) return callback(error, []);
      const bad = addresses.find((a) => isPrivateAddress(a.address));
      if (bad && !allowed.has(hostname)) return callback(new PrivateAddressError(hostname, bad.address), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}
