"""Draws the app icons (plain and maskable) as PNGs into public/icons; run once, output committed."""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (29, 78, 137, 255)
PALE = (201, 216, 236, 255)
WHITE = (255, 255, 255, 255)


def icon(size: int, *, maskable: bool) -> Image.Image:
    im = Image.new("RGBA", (size, size), BLUE if maskable else (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    if not maskable:
        d.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=BLUE)
    # maskable icons keep their drawing inside the 80 % safe zone
    s = size / 64 * (0.75 if maskable else 1.0)
    o = (size - 64 * s) / 2
    p = lambda x, y: (o + x * s, o + y * s)  # noqa: E731
    d.polygon([p(18, 14), p(36, 14), p(46, 24), p(46, 50), p(18, 50)], fill=WHITE)
    d.polygon([p(36, 14), p(46, 24), p(36, 24)], fill=PALE)
    d.rectangle((*p(23, 31), *p(41, 34)), fill=BLUE)
    d.rectangle((*p(23, 38), *p(37, 41)), fill=BLUE)
    return im


out = Path(__file__).parent.parent / "public" / "icons"
out.mkdir(parents=True, exist_ok=True)
for n in (192, 512):
    icon(n, maskable=False).save(out / f"icon-{n}.png", optimize=True)
icon(512, maskable=True).save(out / "icon-maskable-512.png", optimize=True)
icon(180, maskable=True).convert("RGB").save(out / "apple-touch-icon.png", optimize=True)
