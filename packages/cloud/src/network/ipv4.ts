// IPv4 addresses as 32-bit numbers: parsing (strict dotted quads, as neutron's validators
// want), CIDR arithmetic and the default allocation pools of a subnet.

export interface Cidr {
  /** The network address. */
  network: number;
  prefix: number;
  /** The last address (broadcast). */
  last: number;
}

export interface AddressRange {
  start: number;
  end: number;
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** The address as a number, or null when `text` is not a dotted quad. */
export function parseAddress(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function formatAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** `a.b.c.d/n`; `exact` is false when host bits are set (neutron then suggests the network). */
export function parseCidr(text: string): { cidr: Cidr; exact: boolean } | null {
  const [address, prefixText, extra] = text.split('/');
  if (address === undefined || prefixText === undefined || extra !== undefined || !/^[0-9]{1,2}$/.test(prefixText)) return null;
  const value = parseAddress(address);
  const prefix = Number(prefixText);
  if (value === null || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  const network = value - (value % size);
  return { cidr: { network, prefix, last: network + size - 1 }, exact: network === value };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatAddress(cidr.network)}/${cidr.prefix}`;
}

export function contains(cidr: Cidr, address: number): boolean {
  return address >= cidr.network && address <= cidr.last;
}

/** The addresses a port may hold: all but the network and broadcast addresses (all of a /31 or /32). */
export function hostRange(cidr: Cidr): AddressRange {
  return cidr.prefix >= 31 ? { start: cidr.network, end: cidr.last } : { start: cidr.network + 1, end: cidr.last - 1 };
}

/** neutron's default pools: the host range with the gateway cut out. */
export function defaultPools(cidr: Cidr, gateway: number | null): AddressRange[] {
  const hosts = hostRange(cidr);
  if (gateway === null || gateway < hosts.start || gateway > hosts.end) return [hosts];
  return [
    { start: hosts.start, end: gateway - 1 },
    { start: gateway + 1, end: hosts.end },
  ].filter((range) => range.start <= range.end);
}

export function overlaps(a: AddressRange, b: AddressRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}
