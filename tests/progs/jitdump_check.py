"""Checks a jitdump file against perf's jitdump specification and the perf map written
beside it: header fields, an UNWINDING_INFO record before each CODE_LOAD, the code
being pyperfmap's stub with a distinct marker in its padding, the .eh_frame_hdr offsets
pointing at the code and the FDE, and every stub named as in /tmp/perf-PID.map.
Usage: python3 jitdump_check.py JIT_DUMP PERF_MAP
Prints a summary line; exits 1 with the first problem found."""
import struct
import sys

STUB = bytes.fromhex("554889e5ffd15dc3")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


data = open(sys.argv[1], "rb").read()
magic, version, size, mach, _, pid, _, flags = struct.unpack_from("<IIIIIIQQ", data, 0)
if (magic, version, size, mach) != (0x4A695444, 1, 40, 62):
    fail(f"header {magic:#x} {version} {size} {mach}")
maps = {}
for line in open(sys.argv[2]):
    start, length, name = line.rstrip("\n").split(" ", 2)
    maps[int(start, 16)] = (int(length, 16), name)
off, loads, markers, unwind, last_ts = size, 0, set(), None, 0
while off < len(data):
    rid, total, ts = struct.unpack_from("<IIQ", data, off)
    if total < 16 or off + total > len(data):
        fail(f"record at {off}: size {total}")
    if ts < last_ts:
        fail(f"record at {off}: time goes back")
    last_ts = ts
    if rid == 4:
        usize, hsize, msize = struct.unpack_from("<QQQ", data, off + 16)
        if hsize != 20 or msize % 16 or msize < usize or 40 + usize > total:
            fail(f"unwinding record at {off}: {usize} {hsize} {msize}")
        unwind = data[off + 40: off + 40 + usize]
    elif rid == 0:
        if unwind is None:
            fail(f"code load at {off} without unwinding info before it")
        p, tid, vma, addr, csize, index = struct.unpack_from("<IIQQQQ", data, off + 16)
        end = data.index(b"\0", off + 56)
        name = data[off + 56:end].decode()
        code = data[end + 1:end + 1 + csize]
        if p != pid or vma != addr or index != loads + 1:
            fail(f"code load {name}: pid {p} vma {vma:#x} addr {addr:#x} index {index}")
        if code[:8] != STUB or csize != 16:
            fail(f"code load {name}: code {code.hex()}")
        markers.add(code[8:])
        if maps.get(addr, (0, ""))[1] != name:
            fail(f"{addr:#x} {name}: the perf map says {maps.get(addr)}")
        # .eh_frame_hdr: eh_frame_ptr back to .eh_frame, the table to the code and the FDE
        eh_len = len(unwind) - 20
        hdr = unwind[eh_len:]
        ver, _, _, _, eh_ptr, count, start, fde = struct.unpack("<BBBBiIii", hdr)
        code_span = (csize + 7) & ~7
        cie_len = struct.unpack_from("<I", unwind, 0)[0] + 4
        if (ver, count, eh_ptr, start, fde) != (1, 1, -(eh_len + 4), -(eh_len + code_span), -(eh_len - cie_len)):
            fail(f"{name}: .eh_frame_hdr {hdr.hex()}")
        # the FDE covers the code: pc-relative start lands on it, range is its size
        pc_begin, pc_range = struct.unpack_from("<iI", unwind, cie_len + 8)
        if cie_len + 8 + pc_begin != -code_span or pc_range != csize:
            fail(f"{name}: FDE start {pc_begin} range {pc_range}")
        loads += 1
        unwind = None
    else:
        fail(f"unexpected record type {rid} at {off}")
    off += total
if not loads:
    fail("no code loads")
if len(markers) != loads:
    fail(f"{loads} stubs but {len(markers)} distinct markers: perf would merge them")
print(f"pid {pid}: {loads} stubs, each with unwinding info, distinct markers, named as in the perf map")
