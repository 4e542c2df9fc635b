"""The tray icon image: one colour per state, drawn with Pillow (no image files to ship)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from worklens_agent.ui.model import TrayState

STATE_COLOURS: dict[TrayState, tuple[int, int, int]] = {
    TrayState.TRACKING: (34, 160, 70),  # green: the timer runs
    TrayState.PAUSED: (150, 150, 150),  # grey: nothing is collected
    TrayState.OFFLINE: (200, 50, 40),  # red: uploads fail, data waits on this device
}
BACKGROUND = (40, 40, 40)


def state_icon(state: TrayState, size: int = 64) -> Image.Image:
    """A filled disc in the state's colour on a dark square, with a mark that does not rely on
    colour alone: a play triangle (tracking), two bars (paused) or a cross (offline)."""
    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)
    colour = STATE_COLOURS[state]
    margin = size // 16
    draw.ellipse((margin, margin, size - margin - 1, size - margin - 1), fill=colour)
    mark = (255, 255, 255)
    unit = size / 8
    if state is TrayState.TRACKING:
        draw.polygon([(3 * unit, 2.5 * unit), (3 * unit, 5.5 * unit), (5.6 * unit, 4 * unit)], mark)
    elif state is TrayState.PAUSED:
        draw.rectangle((2.8 * unit, 2.6 * unit, 3.6 * unit, 5.4 * unit), fill=mark)
        draw.rectangle((4.4 * unit, 2.6 * unit, 5.2 * unit, 5.4 * unit), fill=mark)
    else:
        width = max(2, size // 12)
        draw.line((2.8 * unit, 2.8 * unit, 5.2 * unit, 5.2 * unit), fill=mark, width=width)
        draw.line((2.8 * unit, 5.2 * unit, 5.2 * unit, 2.8 * unit), fill=mark, width=width)
    return image
