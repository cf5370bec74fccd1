import type { NatKind } from './lab.ts';

/**
 * A home router: masquerade IPv4 on the WAN, and drop unsolicited inbound traffic of either
 * family (a dropped packet leaves no conntrack entry that would move the mapping of a later
 * outbound packet). IPv6 is routed without NAT behind the same firewall; ICMPv6 passes, since
 * neighbour discovery needs it.
 */
export function routerRules(nat: NatKind): string {
  const masquerade = nat === 'random' ? 'masquerade random,fully-random' : 'masquerade';
  return `table ip nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan0" ${masquerade}
  }
}
table inet firewall {
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "wan0" ct state established,related accept
    iifname "wan0" meta l4proto ipv6-icmp accept
    iifname "wan0" drop
  }
  chain forward {
    type filter hook forward priority filter; policy accept;
    iifname "wan0" ct state established,related accept
    iifname "wan0" drop
  }
}
`;
}
