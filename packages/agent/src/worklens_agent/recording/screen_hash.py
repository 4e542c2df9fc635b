"""A perceptual hash of a capture (dHash), to tell a screen that did not change since the
previous capture. Only whether the two hashes match leaves the device (`same_as_previous`).

dHash: the capture averaged down to 9 x 8 grey cells, one bit per pair of neighbours in a row
(is the left one brighter?). Averaging makes it blind to a clock's digits or a blinking caret;
a window moved, scrolled or opened changes many bits. The grabbed pixels are read in place
(no full-size copy): the agent's memory budget holds (bench/README.md).
"""

from __future__ import annotations

from PIL import Image

from worklens_agent.sources.screen import ScreenPixels

#: Bits that may differ between two hashes of "the same" screen: a cell whose two neighbours are
#: almost equal flips on noise.
SAME_MAX_DISTANCE = 2


def screen_hash(image: Image.Image | ScreenPixels) -> int:
    """The capture's 64-bit difference hash."""
    if isinstance(image, ScreenPixels):
        # "RGBX" over the buffer shares its memory; B and R swapped do not matter for a hash
        # compared only with hashes made the same way.
        image = Image.frombuffer("RGBX", image.size, image.bgrx, "raw", "RGBX", 0, 1)
    small = image.resize((9, 8), Image.Resampling.BOX).convert("L")
    cells = small.tobytes()
    bits = 0
    for row in range(8):
        for column in range(8):
            left, right = cells[row * 9 + column], cells[row * 9 + column + 1]
            bits = (bits << 1) | (left > right)
    return bits


def same_screen(first: int, second: int) -> bool:
    return (first ^ second).bit_count() <= SAME_MAX_DISTANCE
