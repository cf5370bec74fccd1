"""Flushes the connection tracking table of the network namespace it runs in (every NAT mapping
there), as `conntrack -F` does: one ctnetlink IPCTNL_MSG_CT_DELETE request without attributes.
Prints "flushed" once the kernel acknowledged it."""
import socket
import struct
import sys

NETLINK_NETFILTER = 12
NFNL_SUBSYS_CTNETLINK = 1
IPCTNL_MSG_CT_DELETE = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2

sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
sock.bind((0, 0))
# nfgenmsg: family (IPv4), version 0, resource id 0; no attributes: every entry of the family.
body = struct.pack('BBH', socket.AF_INET, 0, 0)
header = struct.pack('=IHHII', 16 + len(body), (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST | NLM_F_ACK, 1, 0)
sock.send(header + body)
answer = sock.recv(4096)
_, kind, _, _, _ = struct.unpack('=IHHII', answer[:16])
error = struct.unpack('=i', answer[16:20])[0] if kind == NLMSG_ERROR else 0
if error != 0:
    print(f'conntrack flush failed: errno {-error}')
    sys.exit(1)
print('flushed')
