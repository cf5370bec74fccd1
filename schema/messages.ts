/** The messages of the wire format: code, direction and fields of each (docs/wire-format.md says it in words). */
import { COOKIE, ECHO, HOST_NONCE, NONCE, OWN_NAT, PEER_SECRET, peerNat, SECRET, SERVER_IP6 } from './fields.ts';
import type { MessageSpec } from './types.ts';

export const messages: readonly MessageSpec[] = [
    {
      code: 'HS', name: 'host_session', direction: 'client_to_server',
      doc: 'Register a new session with the sender as its host. Resent until HR arrives.',
      fields: [
        { name: 'local_key', type: 'key', doc: 'The host\'s LAN address and bound port.' },
        NONCE,
        ...OWN_NAT,
      ],
    },
    {
      code: 'HR', name: 'host_registered', direction: 'server_to_client',
      doc: 'Answer to HS (and to RS when no random host was waiting): the session exists.',
      fields: [
        { name: 'remote_key', type: 'key', doc: 'The host\'s public address as the server saw it.' },
        { name: 'session_id', type: 'session_id', doc: 'The code clients join with.' },
        ECHO,
      ],
    },
    {
      code: 'JS', name: 'join_session', direction: 'client_to_server',
      doc: 'Join a session by its id. Resent until JR or BK arrives.',
      fields: [
        { name: 'local_key', type: 'key', doc: 'The joiner\'s LAN address and bound port.' },
        { name: 'session_id', type: 'session_id', doc: 'The session to join.' },
        NONCE,
        ...OWN_NAT,
        COOKIE,
      ],
    },
    {
      code: 'JR', name: 'join_registered', direction: 'server_to_client',
      doc: 'Answer to JS (and to RS when matched, or later to a random host with no joiner yet, matched after all as a joiner): where to punch towards the host.',
      fields: [
        { name: 'joiner_remote_key', type: 'key', doc: 'The joiner\'s public address as the server saw it.' },
        { name: 'host_remote_key', type: 'key', doc: 'The host\'s public address.' },
        { name: 'host_local_key', type: 'key', doc: 'The host\'s LAN address.' },
        ECHO,
        SECRET,
        ...peerNat('host'),
      ],
    },
    {
      code: 'NJ', name: 'new_joiner', direction: 'server_to_client',
      doc: 'Tells the host about a joiner to punch towards. Sent with every JR.',
      fields: [
        { name: 'joiner_remote_key', type: 'key', doc: 'The joiner\'s public address.' },
        { name: 'joiner_local_key', type: 'key', doc: 'The joiner\'s LAN address.' },
        { name: 'nonce', type: 'token', optional: true, doc: 'Ours: the host\'s own nonce from its HS or RS, so a forged NJ is told apart.' },
        SECRET,
        ...peerNat('joiner'),
      ],
    },
    {
      code: 'BK', name: 'bad_key', direction: 'server_to_client',
      doc: 'Answer to JS for a session that does not exist (or no longer accepts joiners).',
      fields: [
        { name: 'session_id', type: 'session_id', doc: 'The session id that was asked for.' },
        ECHO,
      ],
    },
    {
      code: 'RS', name: 'random_session', direction: 'client_to_server',
      doc: 'Pair with a random stranger: joins a waiting random host, or becomes one.',
      fields: [
        { name: 'local_key', type: 'key', doc: 'The sender\'s LAN address and bound port.' },
        NONCE,
        ...OWN_NAT,
        COOKIE,
      ],
    },
    {
      code: 'KA', name: 'keep_alive', direction: 'client_to_server',
      doc: 'Keeps the host\'s NAT mapping to the server open and its session fresh. No answer.',
      fields: [{ name: 'session_id', type: 'session_id', doc: 'The host\'s session.' }, HOST_NONCE],
    },
    {
      code: 'CS', name: 'close_session', direction: 'client_to_server',
      doc: 'The host ends its session; only the host\'s address may. No answer.',
      fields: [{ name: 'session_id', type: 'session_id', doc: 'The session to close.' }, HOST_NONCE],
    },
    {
      code: 'HL', name: 'host_link', direction: 'client_to_server',
      doc: 'Ours: a host that keeps its session open while its game runs (late joiners) hands its registered address to the game and talks to the server from another socket; HL from that socket makes it the session\'s link to its host: NJ goes there, KA and CS count from there. Joiners still punch to the registered address, the game\'s. Answered with HR. Resent until HR arrives.',
      fields: [
        { name: 'session_id', type: 'session_id', doc: 'The host\'s session.' },
        { name: 'nonce', type: 'token', doc: 'The host\'s own nonce from its HS: only the host knows it.' },
      ],
    },
    {
      code: 'RD', name: 'peer_ready', direction: 'peer_to_peer',
      doc: 'Punch packet, sent to both the LAN and the public address of each peer until the session closes.',
      fields: [{
        name: 'names', type: 'name', repeated: true, maxCount: 16,
        doc: 'The sender\'s alias first, then every other alias it knows.',
      }],
    },
    {
      code: 'RV', name: 'peer_ready_verified', direction: 'peer_to_peer',
      doc: 'RD between two peers of ours that the server gave a pair secret (in JR and NJ): the secret first, then the names. Each drops punch packets from that peer without the secret, so a stranger that takes a peer\'s address cannot become its path.',
      fields: [
        { name: 'secret', type: 'token', doc: 'The pair\'s secret from the server.' },
        { name: 'names', type: 'text', repeated: true, maxCount: 16, doc: 'As in RD: the sender\'s alias first, then every other alias it knows; here in full, up to 32 characters of any script (RD carries each cut to 32 bytes on the wire, for original peers).' },
      ],
    },
    {
      code: 'JH', name: 'join_host', direction: 'peer_to_peer',
      doc: 'The host hands over: connect your game to this key. Resent until JD arrives.',
      fields: [{ name: 'host_key', type: 'key', doc: 'The host\'s address on the path that punched.' }, PEER_SECRET],
    },
    {
      code: 'JD', name: 'join_done', direction: 'peer_to_peer',
      doc: 'A client\'s answer to JH: it is ready to start its game client.',
      fields: [{ name: 'done', type: 'literal', literal: 'DONE', doc: 'Placeholder payload.' }, PEER_SECRET],
    },
    {
      code: 'JG', name: 'join_go', direction: 'peer_to_peer',
      doc: 'Host to each client once every client answered JH, sent three times just before the host frees its port for the game server: start the game client now. An extension of ours; original peers ignore it, and our clients fall back to a timeout without it.',
      fields: [{ name: 'go', type: 'literal', literal: 'GO', doc: 'Placeholder payload.' }, PEER_SECRET],
    },
    {
      code: 'JP', name: 'join_payload', direction: 'peer_to_peer',
      doc: 'Ours: what a joiner of ours tells the host besides its alias, sent with each of its punch packets to the host until the handover, always (with an empty payload too, so that the host knows it has all it will get): its small payload for the host\'s game (a version, a team) and the proof of its password. Original hosts ignore it.',
      fields: [
        { name: 'payload', type: 'text', doc: 'The payload, percent-encoded UTF-8 as an alias is; empty when it set none.' },
        PEER_SECRET,
        {
          name: 'password', type: 'token', optional: true,
          doc: 'Ours: the proof of the joiner\'s password: the first 8 bytes of HMAC-SHA256 keyed by the pair\'s secret over the password\'s UTF-8, one bigram per byte. The password itself never travels. Absent when the joiner set none (or has no secret).',
        },
      ],
    },
    {
      code: 'LV', name: 'leave', direction: 'peer_to_peer',
      doc: 'Ours: the sender leaves the session before the handover (sent three times; no answer comes). A host\'s joiners end their attempt with HOST_LEFT; a host drops the joiner ([code]left[/code]). Only between two peers of ours: without the pair\'s secret it is dropped. Original peers ignore it and time out.',
      fields: [
        { name: 'bye', type: 'literal', literal: 'BYE', doc: 'Placeholder payload.' },
        { name: 'secret', type: 'token', doc: 'The pair\'s secret from the server.' },
      ],
    },
    {
      code: 'RJ', name: 'refused_join', direction: 'peer_to_peer',
      doc: 'Ours: the host\'s game refused or removed this joiner before the handover (sent three times; the host then drops the joiner). Original joiners ignore it and time out.',
      fields: [
        { name: 'reason', type: 'text', doc: 'Why, in the host game\'s words, percent-encoded UTF-8 as an alias is; the node\'s own: [code]full[/code] for the player cap, [code]wrong_password[/code] for a wrong or missing password.' },
        PEER_SECRET,
      ],
    },
    {
      code: 'RF', name: 'refused', direction: 'server_to_client',
      doc: 'Ours: the server refuses a request that carried a nonce, where an original client gets silence (or BK for a full session).',
      fields: [
        { name: 'reason', type: 'word', values: ['server_full', 'address_limit', 'session_full'],
          failures: { server_full: 'server_full', address_limit: 'address_limit', session_full: 'session_full' },
          doc: 'server_full: no room for another session; address_limit: too many sessions from this address (or network); session_full: the session has no room for another peer.' },
        { name: 'nonce', type: 'token', doc: 'The nonce of the refused request.' },
      ],
    },
    {
      code: 'RC', name: 'return_cookie', direction: 'server_to_client',
      doc: 'Ours: answer to a JS or RS that carried a nonce but no valid cookie, sent only to its source and never longer than it: nothing else happens until the sender echoes the cookie in the same request, so a request from a spoofed source introduces nobody. The cookie is a keyed MAC of the source address and port, the nonce and the minute, good for one to two minutes; the server keeps nothing. Original clients (no nonce) never get one.',
      fields: [
        { name: 'cookie', type: 'token', doc: 'The cookie: goes in the cookie field of the request resent with this nonce.' },
        { name: 'nonce', type: 'token', doc: 'The nonce of the request this answers.' },
      ],
    },
    {
      code: 'RQ', name: 'relay_request', direction: 'client_to_server',
      doc: 'Punching towards a peer failed: relay us. Both sides of a pair must ask; resent until RG arrives or relay_timeout passes.',
      fields: [
        { name: 'session_id', type: 'session_id', doc: 'The session both peers belong to.' },
        { name: 'peer_key', type: 'key', doc: 'The peer\'s public key, as the server gave it.' },
        NONCE,
        {
          name: 'pings', type: 'text', optional: true, maxLength: 72,
          doc: 'Ours: the sender\'s round trips to the relay nodes RN listed, measured with RP: for each node that answered, its key, [code]=[/code] and the milliseconds (at most 999), comma-separated. The instance grants the pair the node whose worse side is the quickest.',
        },
      ],
    },
    {
      code: 'RR', name: 'relay_rebind', direction: 'client_to_server',
      doc: 'Ours: the relay node carrying a relayed pair went silent: relay the same pair on another node. Needs no session (its host may have closed it): the grant of the pair\'s last RG stands for the pair, and only its two addresses are answered. Both sides must ask; answered as RQ is (RN, then RG naming another node). Resent until RG arrives.',
      fields: [
        { name: 'relay_key', type: 'key', doc: 'The silent relay, as the last RG named it: its node is not granted again.' },
        { name: 'grant', type: 'text', maxLength: 64, doc: 'The grant of the last RG, as sent in RB: signed for the pair and that node, good for a rebind for the relay lifetime after it was made.' },
        { name: 'nonce', type: 'token', doc: 'A fresh token per rebind, echoed in RN and RG.' },
        {
          name: 'pings', type: 'text', optional: true, maxLength: 72,
          doc: 'The sender\'s round trips to the nodes RN listed, as in RQ, without the silent node.',
        },
      ],
    },
    {
      code: 'RN', name: 'relay_nodes', direction: 'server_to_client',
      doc: 'Ours: answer to an RQ without pings (and with a nonce) when more than one relay node could relay the pair: the candidate nodes, and a ticket to ping them with (RP). The node then sends its RQ again with the round trips it measured; without them the instance picks a node by load.',
      fields: [
        { name: 'ticket', type: 'text', maxLength: 24, doc: 'The ping ticket: signed for the address the RQ came from and good for a minute, at every node.' },
        { name: 'nonce', type: 'token', doc: 'The nonce of the RQ this answers.' },
        { name: 'node_key', type: 'key', repeated: true, minCount: 2, maxCount: 3, doc: 'A candidate node: its public address and the port it takes RP on (the key RG would name).' },
      ],
    },
    {
      code: 'RP', name: 'relay_ping', direction: 'client_to_server', port: 'relay',
      doc: 'Ours: a round-trip probe to a relay node, with the ticket from RN. The node answers RE only when the ticket is signed, unexpired, and for the IP address the RP comes from, so it never reflects datagrams at a third party.',
      fields: [
        { name: 'ticket', type: 'text', maxLength: 24, doc: 'The ping ticket from RN.' },
        { name: 'nonce', type: 'token', doc: 'A fresh token per probe, echoed in RE.' },
      ],
    },
    {
      code: 'RE', name: 'relay_echo', direction: 'server_to_client', port: 'relay',
      doc: 'Ours: a relay node\'s answer to RP, shorter than it.',
      fields: [{ name: 'nonce', type: 'token', doc: 'The nonce of the RP this answers.' }],
    },
    {
      code: 'RG', name: 'relay_granted', direction: 'server_to_client',
      doc: 'Answer to RQ once both sides asked: a relay port for this pair, and this side\'s secret for binding to it.',
      fields: [
        { name: 'peer_key', type: 'key', doc: 'The peer the relay leads to.' },
        { name: 'relay_key', type: 'key', doc: 'The relay: the server\'s public address and a relay port.' },
        { name: 'token', type: 'token', doc: 'This side\'s secret for RB.' },
        ECHO,
        {
          name: 'grant', type: 'text', optional: true, maxLength: 64,
          doc: 'Ours: when the relay is on a relay node, the grant signed for this pair and node (and for which side hosts and whether its game runs), the peer\'s address and the port of the node\'s key; sent back in RB.',
        },
      ],
    },
    {
      code: 'RB', name: 'relay_bind', direction: 'client_to_server', port: 'relay',
      doc: 'Sent to the relay port from the punching socket: binds this side to the address it came from (and keeps the binding fresh). Resent until RA arrives.',
      fields: [
        { name: 'token', type: 'token', doc: 'This side\'s secret from RG.' },
        { name: 'grant', type: 'text', optional: true, maxLength: 64, doc: 'Ours: the grant from RG, when it had one: a relay node admits the bind only with it.' },
      ],
    },
    {
      code: 'RA', name: 'relay_bound', direction: 'server_to_client', port: 'relay',
      doc: 'Answer to RB from the relay port: this side is bound; from now on the relay forwards between the two sides byte for byte.',
      fields: [{ name: 'token', type: 'token', doc: 'The token that was bound.' }],
    },
    {
      code: 'NP', name: 'nat_probe', direction: 'client_to_server',
      doc: 'Ours: NAT diagnosis. Sent from a socket of the node\'s own to the server\'s port, then to its probe port (the key NA gave), each answered with NA from the port it reached; the node compares the two public addresses. Sent over IPv6 from the punching socket to the server\'s IPv6 address (which NA names), it is answered with IA. As long as its answer, so the answer is never larger than the request.',
      fields: [
        { name: 'local_key', type: 'key', doc: 'The sender\'s LAN address and bound port.' },
        { name: 'probe_key', type: 'key', doc: 'The probe port\'s key as the sender knows it, or cycycycycycy (0.0.0.0:0) before it does; it makes the request as long as its answer.' },
        { name: 'nonce', type: 'token', doc: 'A fresh token per diagnosis, echoed in NA; over IPv6, the nonce of the request that will carry the proof.' },
        ...SERVER_IP6,
      ],
    },
    {
      code: 'NA', name: 'nat_answer', direction: 'server_to_client',
      doc: 'Ours: answer to NP, sent from the port NP reached: the source address the server saw there, and where the probe port is.',
      fields: [
        { name: 'remote_key', type: 'key', doc: 'The sender\'s public address as this port saw it.' },
        { name: 'probe_key', type: 'key', doc: 'The server\'s probe port (its public address and --probe-port, by default the first relay port), or cycycycycycy when it has none (--probe-port off): the node then cannot tell port-preserving from port-randomising.' },
        { name: 'nonce', type: 'token', doc: 'The nonce of the NP this answers.' },
        ...SERVER_IP6,
      ],
    },
    {
      code: 'IA', name: 'ip6_answer', direction: 'server_to_client',
      doc: 'Ours: answer to NP that reached the server over IPv6 (--public-ip6), sent only to the address and port it came from, never longer than it: that address, and a proof the node puts in its next HS, JS or RS. A keyed MAC of the address, the port and the nonce, valid for a minute or two: whoever sends from an address it does not receive at never sees it.',
      fields: [
        { name: 'ip6_prefix', type: 'token', doc: 'The first 8 bytes of the IPv6 source address the server saw.' },
        { name: 'ip6_host', type: 'token', doc: 'The last 8 bytes of that address.' },
        { name: 'proof', type: 'token', doc: 'The proof: goes in ip6_proof of the request with this nonce.' },
        { name: 'nonce', type: 'token', doc: 'The nonce of the NP this answers.' },
      ],
    },
  ];
