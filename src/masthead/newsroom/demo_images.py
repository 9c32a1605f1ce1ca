"""Pictures for the demo newsroom, drawn with Pillow so the demo ships no photographs.

Each is a calm harbour scene (sky, sun, sea, a headland) in its section's colours, varied by a
seed, so the front page has the look of a paper without borrowing anyone's photos.
"""

import random
from io import BytesIO

from PIL import Image, ImageDraw

PALETTES = [
    ((28, 52, 88), (224, 150, 96), (16, 70, 96)),
    ((60, 40, 80), (240, 200, 120), (30, 60, 90)),
    ((20, 60, 70), (250, 220, 160), (12, 80, 90)),
    ((80, 30, 40), (250, 170, 110), (40, 50, 80)),
    ((30, 70, 50), (230, 230, 170), (20, 70, 70)),
]


def _blend(a, b, t):
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))


def harbour_scene(seed: int, size=(1200, 675)) -> bytes:
    rnd = random.Random(seed)
    sky_top, sky_low, sea = PALETTES[seed % len(PALETTES)]
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    horizon = int(h * rnd.uniform(0.52, 0.66))
    for y in range(horizon):
        draw.line([(0, y), (w, y)], fill=_blend(sky_top, sky_low, y / horizon))
    sun_x, sun_r = rnd.randint(w // 5, 4 * w // 5), rnd.randint(40, 90)
    draw.ellipse([sun_x - sun_r, horizon - sun_r * 1.4, sun_x + sun_r, horizon + sun_r * 0.6],
                 fill=_blend(sky_low, (255, 245, 220), 0.7))
    # A headland on one side, darker than the sky.
    left = rnd.random() < 0.5
    points = [(0 if left else w, horizon)]
    for i in range(8):
        x = (i / 7) * w * rnd.uniform(0.3, 0.5)
        points.append((x if left else w - x, horizon - rnd.randint(20, 110) * (1 - i / 8)))
    points.append((w * 0.5 if left else w * 0.5, horizon))
    draw.polygon(points, fill=_blend(sky_top, (0, 0, 0), 0.35))
    for y in range(horizon, h):
        draw.line([(0, y), (w, y)], fill=_blend(sea, (5, 20, 35), (y - horizon) / (h - horizon)))
    # Glints on the water.
    for _ in range(120):
        x, y = rnd.randint(0, w), rnd.randint(horizon + 4, h)
        length = rnd.randint(8, 40)
        draw.line([(x, y), (x + length, y)], fill=_blend(sea, sky_low, rnd.uniform(0.3, 0.8)),
                  width=2)
    out = BytesIO()
    img.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue()
