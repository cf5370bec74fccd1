#!/usr/bin/env python3
"""An impaired Ethernet link between two TAP devices: loss, duplication, delay and jitter.

The kernel here has no `tc netem`, so this process plays the cable. It creates two TAP devices
in the current namespace and prints `ready`; the caller then moves each into its namespace (the
open descriptors follow the devices) and the link copies frames between them. ARP passes
unharmed so that neighbours resolve; every other frame is dropped with probability LOSS,
delayed by DELAY +- JITTER milliseconds (a jitter larger than the gap between frames reorders
them) and sent twice with probability DUP. It stops when its standard input closes.

usage: tap_link.py NAME_A NAME_B LOSS DUP DELAY_MS JITTER_MS SEED
"""
import fcntl
import heapq
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
ETH_P_ARP = b"\x08\x06"


def open_tap(name: str) -> int:
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def main() -> None:
    name_a, name_b = sys.argv[1], sys.argv[2]
    loss, dup = float(sys.argv[3]), float(sys.argv[4])
    delay, jitter = float(sys.argv[5]) / 1000.0, float(sys.argv[6]) / 1000.0
    rng = random.Random(int(sys.argv[7]))
    a, b = open_tap(name_a), open_tap(name_b)
    other = {a: b, b: a}
    print("ready", flush=True)
    queue: list = []  # (due, sequence, fd, frame)
    sequence = 0
    stats = {"frames": 0, "dropped": 0, "duplicated": 0}
    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else 1.0
        readable, _, _ = select.select([a, b, sys.stdin], [], [], timeout)
        if sys.stdin in readable and not sys.stdin.readline():
            print(f"stats {stats}", flush=True)
            return
        for fd in (a, b):
            if fd not in readable:
                continue
            while True:
                try:
                    frame = os.read(fd, 65536)
                except BlockingIOError:
                    break
                except OSError:
                    return  # The device's namespace was deleted: the link is gone.
                stats["frames"] += 1
                if frame[12:14] == ETH_P_ARP:
                    os.write(other[fd], frame)
                    continue
                if rng.random() < loss:
                    stats["dropped"] += 1
                    continue
                copies = 2 if rng.random() < dup else 1
                stats["duplicated"] += copies - 1
                for _ in range(copies):
                    due = time.monotonic() + max(0.0, delay + rng.uniform(-jitter, jitter))
                    sequence += 1
                    heapq.heappush(queue, (due, sequence, other[fd], frame))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, fd, frame = heapq.heappop(queue)
            try:
                os.write(fd, frame)
            except OSError:
                pass  # A device going away mid-teardown.


if __name__ == "__main__":
    main()
