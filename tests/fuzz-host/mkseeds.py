#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the hand-made seeds of corpus/{elf,mmu,queue}/ (run from here).

The seeds are committed; this script documents how they were made and
rewrites them when an input format changes.  Real kernel images (built by
clang and d1cc) and the regression inputs found by fuzzing sit beside
them as plain files.
"""
import os
import struct

SRAM = 0x10000000
PF_X, PF_W, PF_R = 1, 2, 4


def elf(segs, entry=SRAM, syms=(), shoff_override=None, symoff=None,
        strlink=None):
    """An RV64 ET_EXEC: segs are (vaddr, flags, bytes, memsz), syms names
    (value) for a .symtab; the overrides break one field."""
    eh, ph = 64, 56
    body = bytearray()
    off = eh + ph * len(segs)
    phdrs = b''
    for va, fl, data, msz in segs:
        phdrs += struct.pack('<IIQQQQQQ', 1, fl, off + len(body), va, va,
                             len(data), msz, 4)
        body += data
    strtab = b'\0' + b''.join(n.encode() + b'\0' for n, _ in syms)
    symtab = b'\0' * 24
    p = 1
    for n, v in syms:
        symtab += struct.pack('<IBBHQQ', p, 0x12, 0, 1, v, 0)
        p += len(n) + 1
    shstr = b'\0.symtab\0.strtab\0.shstrtab\0'
    while (off + len(body)) % 8:
        body += b'\0'
    sym_off = off + len(body)
    body += symtab
    str_off = off + len(body)
    body += strtab
    shs_off = off + len(body)
    body += shstr
    while (off + len(body)) % 8:
        body += b'\0'
    sh_off = off + len(body)
    link = 2 if strlink is None else strlink
    shdrs = b'\0' * 64
    shdrs += struct.pack('<IIQQQQIIQQ', 1, 2, 0, 0,
                         sym_off if symoff is None else symoff,
                         len(symtab), link, 1, 8, 24)
    shdrs += struct.pack('<IIQQQQIIQQ', 9, 3, 0, 0, str_off, len(strtab),
                         0, 0, 1, 0)
    shdrs += struct.pack('<IIQQQQIIQQ', 17, 3, 0, 0, shs_off, len(shstr),
                         0, 0, 1, 0)
    hdr = b'\x7fELF' + bytes([2, 1, 1]) + b'\0' * 9
    hdr += struct.pack('<HHIQQQIHHHHHH', 2, 243, 1, entry, eh,
                       sh_off if shoff_override is None else shoff_override,
                       0, eh, ph, len(segs), 64, 4, 3)
    return bytes(hdr) + phdrs + bytes(body) + shdrs


# addi a0,zero,7; addi a7,zero,93; ecall: exit(7)
EXIT7 = struct.pack('<III', 0x00700513, 0x05d00893, 0x00000073)
LOOP = struct.pack('<I', 0x0000006f)		# j .
TEXT = (SRAM, PF_R | PF_X, EXIT7, len(EXIT7))


def write(d, name, data):
    os.makedirs('corpus/' + d, exist_ok=True)
    with open('corpus/%s/%s' % (d, name), 'wb') as f:
        f.write(data)


def elf_seeds():
    write('elf', 'exit7', elf([TEXT], syms=[('d1_main', SRAM)]))
    write('elf', 'loop', elf([(SRAM, PF_R | PF_X, LOOP, 4)]))
    write('elf', 'data-bss', elf([TEXT, (SRAM + 0x1000, PF_R | PF_W,
                                          b'\1' * 16, 0x8000)]))
    write('elf', 'overlap', elf([TEXT, (SRAM, PF_R | PF_W, b'\xff' * 8, 8)]))
    write('elf', 'wrap-memsz', elf([TEXT, (SRAM + 0x1000, PF_R, b'',
                                           2**64 - 0x1000)]))
    write('elf', 'wrap-vaddr', elf([TEXT, (2**64 - 8, PF_R, b'', 16)]))
    write('elf', 'shoff-wrap', elf([TEXT], syms=[('a', 1)],
                                   shoff_override=2**64 - 64))
    write('elf', 'symtab-out', elf([TEXT], syms=[('a', 1)],
                                   symoff=2**63))
    write('elf', 'strtab-link', elf([TEXT], syms=[('a', 1)], strlink=7))
    write('elf', 'entry-data', elf([TEXT, (SRAM + 0x1000, PF_R, b'x', 1)],
                                   entry=SRAM + 0x1000))


# --- MMU: header (root selector, va, len, access) then host memory ---
V, R, W, X, HBM, LEAF = 1, 2, 4, 8, 16, 128
HOST, REGS_BAR, HBM_BAR = 0x80000000, 0xfe000000, 0x400000000


def mmu(root, va, length, access, pages):
    mem = bytearray(4096 * len(pages))
    for i, page in enumerate(pages):
        for idx, pte in page.items():
            struct.pack_into('<Q', mem, i * 4096 + idx * 8, pte)
    return struct.pack('<QQIB3x', root, va, length, access) + bytes(mem)


def mmu_seeds():
    walk = [{0: HOST + 0x1000 | V}, {0: HOST + 0x2000 | V},
            {3: HOST + 0x3000 | V | R | W | LEAF}, {}]
    write('mmu', 'walk-4k', mmu(0, 0x3010, 64, 0, walk))
    write('mmu', 'write-ro', mmu(0, 0x3010, 8, 1,
                                 walk[:2] + [{3: HOST + 0x3000 | V | R | LEAF}, {}]))
    write('mmu', 'cycle', mmu(0, 0x1234, 8, 0, [{0: HOST | V}]))
    write('mmu', 'leaf-1g', mmu(0, 0x100, 4096, 0, [{0: HOST | V | R | LEAF}]))
    write('mmu', 'leaf-2m-regs-bar', mmu(0, 0x40, 8, 0, [
        {0: HOST + 0x1000 | V}, {0: REGS_BAR | V | R | W | LEAF}]))
    write('mmu', 'reserved-bits', mmu(0, 0, 8, 0, [{0: HOST | V | (1 << 60)}]))
    write('mmu', 'hbm-leaf', mmu(0, 0x10, 256, 1, [
        {0: HOST + 0x1000 | V}, {0: HOST + 0x2000 | V},
        {0: 0x1000 | V | R | W | HBM | LEAF}]))
    write('mmu', 'hbm-range', mmu(0, 0x10, 8, 0, [
        {0: HOST + 0x1000 | V}, {0: 0 | V | R | HBM | LEAF}]))
    # Root in the HBM aperture (selector 1): the same bytes live there.
    write('mmu', 'tables-in-hbm', mmu(1, 0x2000, 8, 0, [
        {0: HBM_BAR + 0x1000 | V}, {0: HBM_BAR + 0x2000 | V},
        {2: HOST | V | R | LEAF}]))
    write('mmu', 'root-regs-bar', mmu(2, 0, 8, 0, []))
    write('mmu', 'cross-pages', mmu(0, 0x0ff8, 16, 0, [
        {0: HOST + 0x1000 | V}, {0: HOST + 0x2000 | V},
        {0: HOST | V | R | LEAF, 1: REGS_BAR | V | R | LEAF}]))


# --- queue: count byte, descriptors, data blob ---
VA_OK, VA_RO, VA_HBM = 0x100000000, 0x100100000, 0x200000000
VA_DATA, VA_JUNK = 0x300000000, 0x300200000
NOP, COPY, LAUNCH, SIGNAL, WAIT, TIMESTAMP = 0, 1, 2, 3, 4, 5
F_IRQ, F_FENCE, F_CTX = 1, 2, 4
BUS = 0x80000000


def desc(op, *words, flags=0, seq=1, ctx=0):
    w = [op | flags << 8 | ctx << 16 | seq << 32] + list(words)
    w += [0] * (8 - len(w))
    return struct.pack('<8Q', *w)


def queue(descs, blob=b'', split=False):
    return bytes([len(descs) - 1 | (8 if split else 0)]) + \
        b''.join(descs) + blob


def launch(image_va, image_bytes, report_va, report_bytes, cols=1, rows=1,
           harts=1, budget=10000, args_va=0, args_bytes=0):
    return desc(LAUNCH, image_va, image_bytes | report_bytes << 32, args_va,
                cols << 32 | rows << 48, args_bytes | harts << 32, budget,
                report_va)


def queue_seeds():
    write('queue', 'copy', queue([desc(COPY, VA_OK, VA_HBM, 256)]))
    write('queue', 'copy-ro-fault', queue([desc(COPY, VA_OK, VA_RO, 8)]))
    write('queue', 'fence-irq-timestamp', queue([
        desc(NOP, flags=F_IRQ | F_FENCE, seq=9),
        desc(TIMESTAMP, VA_OK + 64)]))
    blob = bytearray(0x2000)
    write('queue', 'wait-signal-queues', queue([
        desc(WAIT, VA_DATA + 0x1000, 5),
        desc(SIGNAL, VA_DATA + 0x1000, 5)], bytes(blob), split=True))
    write('queue', 'wait-forever', queue([desc(WAIT, VA_DATA, 1)]))
    # The blob's first page is VA_JUNK's leaf table.
    struct.pack_into('<Q', blob, 0, BUS | V | R | W | LEAF)
    struct.pack_into('<Q', blob, 8, REGS_BAR | V | R | W | LEAF)
    write('queue', 'copy-through-blob-pte', queue([
        desc(COPY, VA_JUNK, VA_HBM, 64),
        desc(COPY, VA_JUNK + 0x1000, VA_OK, 8)], bytes(blob)))
    image = elf([TEXT], syms=[('d1_main', SRAM)])
    blob = bytearray(0x1000) + image
    write('queue', 'launch', queue([
        launch(VA_DATA + 0x1000, len(image), VA_OK + 0x1000, 4096)],
        bytes(blob)))
    write('queue', 'launch-2x2-harts', queue([
        launch(VA_DATA + 0x1000, len(image), VA_OK + 0x1000, 4096, 2, 2, 4,
               args_va=VA_OK, args_bytes=64)], bytes(blob)))
    write('queue', 'regress-launch-huge-report', queue([
        launch(VA_DATA + 0x1000, len(image), VA_OK + 0x1000,
               0xffffffff)], bytes(blob)))
    loop = elf([(SRAM, PF_R | PF_X, LOOP, 4)])
    write('queue', 'launch-unbounded', queue([
        launch(VA_DATA + 0x1000, len(loop), VA_OK + 0x1000, 4096,
               budget=0)], bytes(bytearray(0x1000) + loop)))
    write('queue', 'bad-ctx', queue([
        desc(COPY, VA_OK, VA_OK + 8, 8, flags=F_CTX, ctx=1),
        desc(COPY, VA_OK, VA_OK + 8, 8, flags=F_CTX, ctx=2),
        desc(0x77), desc(NOP, 1)], split=True))


elf_seeds()
mmu_seeds()
queue_seeds()
