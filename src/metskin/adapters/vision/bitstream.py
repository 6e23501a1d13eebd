"""A coded stream's bits, most significant first, with the codes the AV1, HEVC and H.264
headers use (`av1_quantiser`, `hevc_quantiser`, `video_tags`' SPS): fixed-width values, AV1's
uvlc and ns(n), Exp-Golomb ue(v) and se(v); and VP8's boolean (arithmetic) decoder over those
bits (`vp8_quantiser`). Reading past the end raises IndexError; an Exp-Golomb code too long,
ValueError."""

from __future__ import annotations


class BitReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def f(self, count: int) -> int:
        """`count` bits as an unsigned number (AV1's f(n), HEVC's u(n))."""
        value = 0
        for _ in range(count):
            byte = self.data[self.at >> 3]
            value = (value << 1) | ((byte >> (7 - (self.at & 7))) & 1)
            self.at += 1
        return value

    def uvlc(self) -> int:
        zeros = 0
        while not self.f(1):
            zeros += 1
            if zeros >= 32:
                return (1 << 32) - 1
        return self.f(zeros) + (1 << zeros) - 1

    def ns(self, n: int) -> int:
        width = n.bit_length()
        extra = (1 << width) - n
        value = self.f(width - 1)
        return value if value < extra else (value << 1) - extra + self.f(1)

    def ue(self) -> int:
        zeros = 0
        while not self.f(1):
            zeros += 1
            if zeros > 31:
                raise ValueError("an Exp-Golomb code too long")
        return (1 << zeros) - 1 + self.f(zeros)

    def se(self) -> int:
        code = self.ue()
        return (code + 1) // 2 if code % 2 else -(code // 2)


class BoolDecoder:
    """VP8's boolean entropy decoder (RFC 6386 section 7.3), fed bit by bit from a BitReader:
    the RFC's decoder shifts its 2-byte window one bit at a time and adds a byte every 8
    shifts, which compares the same (only the window's top byte counts against `split`)."""

    def __init__(self, data: bytes) -> None:
        self.bits = BitReader(data)
        self.value, self.range = self.bits.f(16), 255

    def bool(self, probability: int) -> int:
        split = 1 + (((self.range - 1) * probability) >> 8)
        if self.value >= split << 8:
            bit = 1
            self.range -= split
            self.value -= split << 8
        else:
            bit = 0
            self.range = split
        while self.range < 128:
            self.value = (self.value << 1) | self.bits.f(1)
            self.range <<= 1
        return bit

    def literal(self, count: int) -> int:
        """RFC 6386's L(n): `count` bits at even odds, most significant first."""
        value = 0
        for _ in range(count):
            value = (value << 1) | self.bool(128)
        return value

    def signed(self, count: int) -> int:
        """A magnitude L(n) then its sign L(1), as VP8's header deltas are written."""
        magnitude = self.literal(count)
        return -magnitude if self.literal(1) else magnitude
