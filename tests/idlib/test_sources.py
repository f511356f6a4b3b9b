"""Sources a planner can quote: no mirror sites, and every re-host or reprint marked SECONDARY."""

import re
from pathlib import Path

import enclave

DATA = Path(enclave.__file__).parent
#: copies of Wikipedia pages under other names: cite the page itself
MIRRORS = ("azureedge.net", "netlify.app", "richxsearch.com", "clateway.com", "piglix.com")
#: re-hosts of UN or NGO documents, blogs quoting reports, reprints of agency wires
REHOSTS = r"https?://(?:docslib\.org|[a-z0-9]+\.blogspot\.com|popzei\.com|wxykgl\.com|www\.sott\.net|www\.myanmarinternationaltv\.com)/[^\s,;\"')]+"


def _files():
    return [p for p in DATA.rglob("*") if p.suffix in (".csv", ".yaml", ".md") and p.is_file()]


def test_no_mirror_sites_and_rehosts_marked_secondary():
    files = _files()
    assert len(files) > 10
    for p in files:
        text = p.read_text("utf-8")
        for host in MIRRORS:
            assert host not in text, f"{p.name}: cites the mirror {host}"
        for m in re.finditer(REHOSTS, text):
            after = text[m.end() : m.end() + 12]
            assert after.startswith(" (SECONDARY"), f"{p.name}: {m.group(0)} not marked SECONDARY"
