"""Sends UDP datagrams with any source address and port (0 included) through a raw socket.

Reads one datagram a line from stdin: `SRC_IP SRC_PORT DST_IP DST_PORT HEX_PAYLOAD`, and prints
`sent N` when stdin ends. Root only; the tests use it on loopback to play spoofed sources.
"""
import socket
import struct
import sys


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def datagram(src: str, sport: int, dst: str, dport: int, payload: bytes) -> bytes:
    udp_len = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, socket.IPPROTO_UDP, udp_len)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0) + payload
    udp_sum = checksum(pseudo + udp) or 0xFFFF
    udp = struct.pack("!HHHH", sport, dport, udp_len, udp_sum) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0, 64, socket.IPPROTO_UDP, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    return ip + udp


def main() -> None:
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sent = 0
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 5:
            continue
        src, sport, dst, dport, payload = parts
        raw.sendto(datagram(src, int(sport), dst, int(dport), bytes.fromhex(payload)), (dst, 0))
        sent += 1
    print("sent %d" % sent, flush=True)


if __name__ == "__main__":
    main()
