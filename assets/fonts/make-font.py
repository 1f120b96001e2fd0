#!/usr/bin/python3
"""The report's fallback font: Noto Sans CJK SC (SIL Open Font License 1.1, OFL.txt) cut down to
the characters of GB2312 — the 6,763 hanzi of everyday Simplified Chinese, with its punctuation —
plus ASCII, full-width forms and the few symbols the report draws, as WOFF2 (about 1.1 MB).

Made with Debian's fonts-noto-cjk and python3-fonttools (with python3-brotli for WOFF2):
    apt-get install fonts-noto-cjk python3-fonttools python3-brotli
    /usr/bin/python3 assets/fonts/make-font.py
The result is checked in; nothing at install or test time needs these packages.
"""
from pathlib import Path
from fontTools import subset

SOURCE = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'
SC = 2  # the collection's Noto Sans CJK SC
OUT = Path(__file__).with_name('noto-sans-sc-gb2312.woff2')

chars = set()
for b1 in range(0xA1, 0xF8):
    for b2 in range(0xA1, 0xFF):
        try:
            chars.add(bytes([b1, b2]).decode('gb2312'))
        except UnicodeDecodeError:
            pass
chars |= {chr(c) for c in range(0x20, 0x7F)}     # ASCII
chars |= {chr(c) for c in range(0xFF01, 0xFF5F)}  # full-width forms
chars |= {chr(c) for c in range(0x3000, 0x3020)}  # CJK punctuation
chars |= set('≥≤≈±×÷—–…·•▲▼⇆↘■★☆%‰¥￥')           # what the report draws besides

options = subset.Options()
options.flavor = 'woff2'
options.font_number = SC
options.layout_features = []
options.hinting = False
font = subset.load_font(SOURCE, options)
subsetter = subset.Subsetter(options)
subsetter.populate(text=''.join(sorted(chars)))
subsetter.subset(font)
subset.save_font(font, str(OUT), options)
print(f'{OUT}: {len(chars)} characters, {OUT.stat().st_size} bytes')
