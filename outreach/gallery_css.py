"""The gallery's style sheet, shared by its top page and every chapter's page.

Each page carries it inline, so any one page opened or saved on its own still looks right
and the gallery needs no stylesheet file, script or network.
"""

from __future__ import annotations

from .thumbnails import WIDTH

CSS = f"""
:root {{ color-scheme: light; --ink: #1d2b36; --muted: #5b6b78; --line: #dde2e7;
  --link: #0b4f6c; --paper: #fff; --ground: #f3f5f7; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; padding: 1.5rem 2rem 3rem; background: var(--ground); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }}
a {{ color: var(--link); text-decoration: none; }}
a:hover {{ text-decoration: underline; }}
h1 {{ margin: 0 0 .25rem; font-size: 1.6rem; }}
h2, h3 {{ margin: 2rem 0 .75rem; font-size: 1.25rem; }}
h3 {{ font-size: 1.1rem; margin-top: 1.25rem; }}
.top p {{ margin: .25rem 0; }}
.summary {{ color: var(--muted); }}
nav a {{ display: inline-block; margin: 0 .15rem .25rem 0; padding: .05rem .5rem;
  border: 1px solid var(--line); border-radius: 1rem; background: var(--paper); font-size: .9rem; }}
.label {{ color: var(--muted); font-size: .85rem; text-transform: uppercase; letter-spacing: .04em;
  margin-inline-end: .35rem; }}
.count {{ color: var(--muted); font-size: .85rem; font-weight: normal; margin-inline-start: .5rem; }}
.chapter {{ margin-top: 2.5rem; padding-top: .5rem; border-top: 2px solid var(--line); }}
.grid {{ display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }}
.card {{ background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  padding: .7rem .8rem .8rem; min-width: 0; max-width: 100%;
  box-shadow: 0 1px 2px rgba(16, 32, 48, .05); }}
.card .name {{ margin: 0; font-size: .95rem; font-weight: 600; overflow-wrap: anywhere; }}
.meta {{ margin: .1rem 0 .6rem; color: var(--muted); font-size: .82rem; }}
.pages {{ display: flex; gap: .6rem; overflow-x: auto; padding: 2px 2px 6px; }}
.pages a {{ flex: none; display: block; }}
.pages img {{ display: block; max-width: none; background: #fff; border: 1px solid #c9d0d6;
  box-shadow: 0 1px 3px rgba(16, 32, 48, .18); }}
.placeholder {{ display: flex; align-items: center; justify-content: center; width: {WIDTH}px;
  padding: 1rem; text-align: center; font-size: .82rem; color: var(--muted); background: #f7f8fa;
  border: 1px dashed #b7c0c8; overflow-wrap: anywhere; }}
.placeholder strong {{ color: var(--ink); font-weight: 600; }}
.web-preview {{ position: relative; width: {WIDTH}px; height: {WIDTH * 22 // 17}px;
  overflow: hidden; border: 1px solid #c9d0d6; background: #fff; direction: ltr; }}
.web-preview iframe {{ width: 1280px; height: {1280 * 22 // 17}px; border: 0;
  transform: scale({WIDTH / 1280:.4f}); transform-origin: 0 0; pointer-events: none; }}
.web-preview::after {{ content: ""; position: absolute; inset: 0; }}
.empty {{ color: var(--muted); }}
.alt {{ margin: .5rem 0 0; max-width: {WIDTH}px; font-size: .8rem; color: var(--muted); }}
.chapter-list {{ list-style: none; margin: 0; padding: 0; columns: 20rem; column-gap: 2rem; }}
.chapter-list li {{ break-inside: avoid; margin: 0 0 .35rem; overflow-wrap: anywhere; }}
.chapter-list .locales {{ color: var(--muted); font-size: .85rem; margin-inline-start: .4rem; }}
.back {{ margin: 0 0 .5rem; font-size: .9rem; }}
"""
