"""Build the shared north-west Syria geography (places.csv, roads.csv) from the
shared Idlib-2018 tables plus the added camp clusters, towns, crossings and roads.

Run from the repository root:  python tools/build_nw_syria_geography.py
It reads ../shared/data/idlib/{places,roads}.csv and writes
src/enclave/scenario/data/geography/nw-syria/{places,roads}.csv (temp file, then rename).
Great-circle distances use haversine with R = 6371.0088 km, x 1.3, rounded to 0.1 km,
the same rule the shared roads.csv uses.
"""

from __future__ import annotations

import csv
import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "idlib"
OUT = ROOT / "src" / "enclave" / "scenario" / "data" / "geography" / "nw-syria"

HEADER = [
    "name", "kind", "lat", "lon", "country", "held_by_2018", "region",
    "population_2018", "population_source", "residents_2018", "residents_source",
    "capacity", "capacity_source", "coords_source", "notes", "governorate", "subdistrict",
]

GN = "GeoNames cities table (github.com/sijomon/howlik database/sql/data/geonames/countries/{c}.sql@50849f42) id {i}"
CSC = "countries-states-cities data (github.com/VannaDii/pub-dev geography/lib/src/countries/syria_cities.dart@2aba3e3a)"
FF = "FabFlee config_files/syria2017_adm2/input_files/locations.csv@99335a0063cb2c304aee5ff2a7af739fcb5b8e9a"
MAP = "assumption: approximate position by map reading (+-3 km); no gazetteer copy with this place was found"

# Household size used to turn families into people: REACH Aug 2018, 1,280,000 IDPs in 224,500 households.
HH = 1_280_000 / 224_500
HH_SRC = ("REACH Situation Overview Idleb Aug 2018: 1,280,000 IDPs in 224,500 households = 5.70 per household "
          "(https://docslib.org/doc/8277895/situation-overview-idleb-governorate-and-surrounding-areas-north-west-syria-august-2018 (SECONDARY: docslib.org re-host of the UN or NGO document named in the address; the original could not be opened from here))")
SOHR_CAMPS = ("SECONDARY (SOHR, no UN per-cluster count found): https://www.syriahr.com/en/123043/ (winter 2018-19 flood report; "
              "page date not shown, post number lies among SOHR's flood reports of Dec 2018 - Jan 2019)")
UNHCR_SITES = "https://reliefweb.int/report/syrian-arab-republic/unhcr-cross-border-humanitarian-response-fact-sheet-northwest-syria-0"
DOUBLING = ("UN/Reuters Aug 2018: influx of displaced roughly doubled Idlib governorate population "
            "(https://www.defenceweb.co.za/middle-east/middle-east-middle-east/idlib-offensive-could-displace-thousands/)")

# Shared kinds -> (kind, country, held_by_2018, region)
KIND_MAP = {
    "town": ("town", "Syria", "opposition", "nw_idlib"),
    "idp_camp_cluster": ("idp_camp_cluster", "Syria", "opposition", "nw_idlib"),
    "border_crossing": ("border_crossing", "Syria", "opposition", "nw_idlib"),
    "turkish_held_area": ("town", "Syria", "turkish_held", "north_aleppo"),
    "regime_area": ("town", "Syria", "government", "government"),
    "turkey": ("abroad", "Turkey", "turkey", "turkey"),
}

# Fixes to shared rows: coordinates/notes whose addresses carry later dates are replaced.
SHARED_FIX = {
    "Saraqib": {"notes_replace": (
        "junction of M4 and M5 (https://syriacpress.com/blog/2020/03/15/reopening-of-m4-and-m5-highways-strategic-win-for-assad-regime/)",
        "junction of M4 and M5 (facts.csv m4_m5_junction; map reading)")},
    "Maarat al-Numan": {"coords": "Wikipedia coordinates 35 39 N, 36 40 E (minute precision, ~1-2 km); the mirror address of the shared table is left out because its snapshot is dated after Sept 2019"},
    "Mhardeh": {"lat": "35.247", "lon": "36.574", "coords": "node 'Muhradah' in " + FF + " (0.9 km from the town)",
                "notes": "Christian town that stayed under government control; CBS 2004 17,578 (FabFlee node population value)"},
    "Reyhanli": {"lat": "36.2679", "lon": "36.5675", "coords": GN.format(c="tr", i=302355),
                 "notes": "Turkish town nearest to Bab al-Hawa/Cilvegozu; GeoNames population value 56,995"},
    "Bab al-Salam crossing": {"held_by": "turkish_held", "region": "north_aleppo"},
    "Atmeh camps": {},
    "Qah camps": {},
}

# New places: name, kind, lat, lon, country, held, region, pop, pop_src, coords_src, notes
NEW_PLACES: list[tuple] = [
    # --- camp clusters (residents filled below) ---
    ("Kafr Lusin camps", "idp_camp_cluster", 36.2470, 36.6600, "Syria", "opposition", "nw_idlib", "", "", MAP,
     "camps along the border road by Kafr Lusin, next to Bab al-Hawa; 27 camps, 3,350 families per an undated SOHR page (see shared places.csv Bab al-Hawa note)"),
    ("Sarmada camps", "idp_camp_cluster", 36.1950, 36.7050, "Syria", "opposition", "nw_idlib", "", "", MAP,
     "ACU camp cluster 'Sarmada' (https://www.acu-sy.org/tr/tag/number-of-families-in-the-camps/); informal camps around Sarmada and along the Sarmada-Bab al-Hawa road"),
    ("Harem / Salqin camps", "idp_camp_cluster", 36.1700, 36.4850, "Syria", "opposition", "nw_idlib", "", "", MAP,
     "ACU camp cluster 'Salqin' plus the Harem camps (https://www.acu-sy.org/tr/tag/number-of-families-in-the-camps/); SOHR counts Salqin camps 2,200 and Harem camps 1,500 families"),
    ("Dana / Killi / Kafr Aruq camps", "idp_camp_cluster", 36.1500, 36.6900, "Syria", "opposition", "nw_idlib", "", "", MAP,
     "camps between Dana, Deir Hassan, Killi and Kafr Aruq in Dana and Maaret Tamsrin sub-districts (SOHR flood report lists camps at Deir Hassan, Dana, Kafr Arouq, Kelli: https://www.syriahr.com/en/201019/ is later and not used for figures)"),
    ("Maarrat Misrin / Sheikh Bahr camps", "idp_camp_cluster", 36.0350, 36.6300, "Syria", "opposition", "nw_idlib", "", "", MAP,
     "Sheikh Bahr camps and the camps north of Maarrat Misrin (Batinta) in Maaret Tamsrin sub-district (https://defzone.net/wiki/Maarrat_Misrin_Subdistrict)"),
    ("Darkush camps", "idp_camp_cluster", 35.9950, 36.4050, "Syria", "opposition", "nw_idlib", "", "", MAP,
     "camps around Darkush on the Orontes, western Idlib"),
    ("Khirbet al-Joz / Zouf camps", "idp_camp_cluster", 35.8700, 36.1700, "Syria", "opposition", "nw_idlib", "", "", MAP,
     "ACU camp cluster 'Kherbet Aljouz' and the Zouf camps by the western border opposite Yayladagi"),
    ("Bab al-Salam camp", "idp_camp_cluster", 36.6300, 37.0800, "Syria", "turkish_held", "north_aleppo", "", "", MAP,
     "camp at the Bab al-Salam/Oncupinar gate north of Azaz, run by Turkish organisations (ACU cluster 'Bab Al Salameh')"),
    ("Shamarin camps", "idp_camp_cluster", 36.6450, 37.0250, "Syria", "turkish_held", "north_aleppo", "", "", MAP,
     "camps at Shamarin village north-west of Azaz on the border"),
    ("Sijo camps", "idp_camp_cluster", 36.6150, 37.0700, "Syria", "turkish_held", "north_aleppo", "", "", MAP,
     "camps at Sijo (Sejju) between Azaz and Bab al-Salam; Sijjo camp organised by IHH (https://acu-sy.org/imu_reports/idp-camp-monitoring-report-northern-syria-v16)"),
    ("Afrin / Jindires camps", "idp_camp_cluster", 36.4100, 36.7300, "Syria", "turkish_held", "north_aleppo", "", "", MAP,
     "camps in Afrin district between Jindires and Afrin"),
    ("Jarablus camps", "idp_camp_cluster", 36.8000, 38.0000, "Syria", "turkish_held", "north_aleppo", "", "", MAP,
     "ACU camp cluster 'Jarablus'; Zaghroura camp (AFAD) and about 20 informal camps around Jarablus (https://stj-sy.org/en/1000/)"),
    # --- Turkish-held north towns ---
    ("Marea", "town", 36.4828, 37.1964, "Syria", "turkish_held", "north_aleppo", 78612,
     "assumption: 2 x CBS 2004 Mare' nahiyah 39,306 (https://sco.wikipedia.org/wiki/Azaz_Destrict; node stands for its nahiyah); " + DOUBLING,
     "Wikipedia copy https://it.qaz.wiki/wiki/Mare%27 (36 28 58 N, 37 11 47 E)", "Mare' nahiyah seat, Azaz district; Euphrates Shield area"),
    ("Akhtarin", "town", 36.5170, 37.3330, "Syria", "turkish_held", "north_aleppo", 78770,
     "assumption: 2 x CBS 2004 Akhtarin nahiyah 39,385 (https://sco.wikipedia.org/wiki/Azaz_Destrict; node stands for its nahiyah); " + DOUBLING, MAP,
     "Akhtarin nahiyah seat, Azaz district (nahiyah 39,385 in 2004: https://sco.wikipedia.org/wiki/Azaz_Destrict); Euphrates Shield area"),
    ("Sawran", "town", 36.56579, 37.2127, "Syria", "turkish_held", "north_aleppo", 60064,
     "assumption: 2 x CBS 2004 Sawran nahiyah 30,032 (https://sco.wikipedia.org/wiki/Azaz_Destrict; node stands for its nahiyah); " + DOUBLING,
     CSC + " (Suran, Aleppo)",
     "Sawran (Suran) nahiyah seat, Azaz district (nahiyah 30,032 in 2004: https://sco.wikipedia.org/wiki/Azaz_Destrict); Euphrates Shield area"),
    ("Al-Rai", "town", 36.6119, 37.4467, "Syria", "turkish_held", "north_aleppo", 9218,
     "assumption: 2 x CBS 2004 census 4,609 (https://de.mgwiki.top/wiki/Al-Rai,_Syria); " + DOUBLING,
     "Wikipedia copy https://de.mgwiki.top/wiki/Al-Rai,_Syria (36 36 43 N, 37 26 48 E)",
     "border town on the Baghdad railway opposite Cobanbey/Elbeyli (Kilis); Euphrates Shield area"),
    # --- border crossings ---
    ("Jarablus crossing", "border_crossing", 36.8260, 38.0100, "Syria", "turkish_held", "north_aleppo", "", "", MAP,
     "Syria side of the Jarablus/Karkamis gate, ~1 km north of Jarablus"),
    ("Al-Rai crossing", "border_crossing", 36.6350, 37.4550, "Syria", "turkish_held", "north_aleppo", "", "", MAP,
     "Syria side of the al-Rai/Cobanbey gate (implied by FabFlee's Al_Bab-Elbeyli route)"),
    # --- Turkey ---
    ("Kirikhan", "abroad", 36.4994, 36.3576, "Turkey", "turkey", "turkey", "", "", GN.format(c="tr", i=307657),
     "Hatay district town on the Reyhanli-Iskenderun road; GeoNames population value 60,916"),
    # --- government-held destinations ---
    ("Suran (Hama)", "town", 35.2919, 36.7485, "Syria", "government", "government", "", "", GN.format(c="sy", i=163915),
     "government-held town north of Hama on the M5 behind the Morek front"),
    ("Halfaya", "town", 35.2601, 36.6058, "Syria", "government", "government", "", "", GN.format(c="sy", i=170044),
     "government-held northern Hama town south of Latamina"),
    ("Tayyibat al-Imam", "town", 35.2659, 36.7122, "Syria", "government", "government", "", "", GN.format(c="sy", i=163270),
     "government-held northern Hama town between Hama and Suran"),
    ("Masyaf", "town", 35.0653, 36.3406, "Syria", "government", "government", "", "", GN.format(c="sy", i=167046),
     "government-held western Hama town"),
    ("Jableh", "town", 35.3621, 35.9276, "Syria", "government", "government", "", "", GN.format(c="sy", i=169304),
     "government-held coastal town south of Latakia"),
    ("As-Safira", "town", 36.077, 37.3725, "Syria", "government", "government", "", "", GN.format(c="sy", i=172503),
     "government-held town south-east of Aleppo"),
    # --- southern Idlib / northern Hama front (2019 offensive) ---
    ("Kafr Nabudah", "town", 35.431667, 36.492778, "Syria", "opposition", "nw_idlib", 13513,
     "assumption: 1 x CBS 2004 census 13,513 (https://www.wikizero.org/wiki/pl/Kafr_Nabuda); front-line town, not doubled (see the Khan Shaykhun row)",
     "Wikipedia copy https://www.wikizero.org/wiki/pl/Kafr_Nabuda (35 25 54 N, 36 29 34 E)",
     "northern Hama front town (Al-Suqaylabiyah district)"),
    ("Al-Habit", "town", 35.44, 36.536667, "Syria", "opposition", "nw_idlib", 10144,
     "assumption: 1 x CBS 2004 census 10,144 (https://friendlywiki.com/article/index.php?title=Hbit); front-line town, not doubled (see the Khan Shaykhun row)",
     "Wikipedia copy https://friendlywiki.com/article/index.php?title=Hbit (35 26 24 N, 36 32 12 E)",
     "southern Idlib village west of Khan Shaykhun (Hbit)"),
    ("Al-Hamamiyat", "town", 35.3900, 36.5300, "Syria", "opposition", "nw_idlib", "", "", MAP,
     "northern Hama hill village between Kafr Nabudah and Kafr Zita"),
    ("Al-Tamanah", "town", 35.4800, 36.7300, "Syria", "opposition", "nw_idlib", "", "", MAP,
     "southern Idlib town east of Khan Shaykhun"),
    # --- 2019-20 offensive towns ---
    ("Maar Shurin", "town", 35.6540, 36.7110, "Syria", "opposition", "nw_idlib", "", "", MAP,
     "village east of Maarrat al-Numan, north of Maar Shamshah (35.635 N 36.711 E, https://jablog.org/%E3%83%9E%E3%83%BC%E3%83%AB+%E3%82%B7%E3%83%A3%E3%83%A0%E3%82%B7%E3%83%A3%E3%83%BC/Maar_Shamshah)"),
    ("Talmenes", "town", 35.64111, 36.735, "Syria", "opposition", "nw_idlib", 22718,
     "assumption: 2 x CBS 2004 census 11,359 (https://rd.book79.com/6wa849r89_4zmizrogocpxoitzn/4xjrogo/%D8%AA%D9%84%D9%85%D9%86%D8%B3, Arabic Wikipedia copy); " + DOUBLING,
     "Arabic Wikipedia copy https://rd.book79.com/6wa849r89_4zmizrogocpxoitzn/4xjrogo/%D8%AA%D9%84%D9%85%D9%86%D8%B3 (35 38 28 N, 36 44 06 E)",
     "village east of Maar Shamshah (same page as Maar Shurin)"),
    ("Jarjanaz", "town", 35.5920, 36.8470, "Syria", "opposition", "nw_idlib", "", "", MAP,
     "south-eastern Idlib town east of Maarrat al-Numan"),
    ("Tell Tuqan", "town", 35.8830, 36.9500, "Syria", "opposition", "nw_idlib", "", "", MAP,
     "eastern Idlib village east of Saraqib"),
    ("Taftanaz", "town", 35.99832, 36.78579, "Syria", "opposition", "nw_idlib", "", "", CSC,
     "town and air base north-east of Idlib city"),
    ("Khan Tuman", "town", 36.1150, 37.0300, "Syria", "opposition", "nw_idlib", "", "", MAP,
     "southern Aleppo countryside village west of the M5"),
    ("Khan al-Asal", "town", 36.16722, 37.03917, "Syria", "opposition", "nw_idlib", "", "",
     "Wikipedia coordinates 36 10 02 N, 37 02 21 E (the mirror address is left out: its snapshot is dated after Sept 2019; text copy without coordinates: http://de.knowledgr.com/19122874/KhanAlAsal)",
     "western Aleppo countryside town on the M5 west of Aleppo city"),
    ("Urum al-Kubra", "town", 36.148611, 36.95, "Syria", "opposition", "nw_idlib", "", "",
     "Wikipedia copy https://perceptiode.com/%D0%A3%D1%80%D1%83%D0%BC-%D1%8D%D0%BB%D1%8C-%D0%9A%D1%83%D0%B1%D1%80%D0%B0 (36 08 55 N, 36 57 00 E)",
     "western Aleppo countryside town on the Aleppo-Bab al-Hawa road"),
    ("Kafr Halab", "town", 36.0644, 36.8708, "Syria", "opposition", "nw_idlib", 8272,
     "assumption: 2 x CBS 2004 census 4,136 (http://en.m.wiki.x.io/wiki/Kafr_Halab); " + DOUBLING,
     "Wikipedia copy http://en.m.wiki.x.io/wiki/Kafr_Halab (36 03 52 N, 36 52 15 E)",
     "western Aleppo countryside village south of Atarib"),
    ("Armanaz", "town", 36.08363, 36.5031, "Syria", "opposition", "nw_idlib", "", "", CSC,
     "town between Kafr Takharim and Maarrat Misrin"),
]

# Camp residents: name -> (families or people, "families"|"people", source)
RESIDENTS: dict[str, tuple[float, str, str]] = {
    "Atmeh camps": (13000 + 7635, "families", "Southern Atma 13,000 + Northern Atma 7,635 families"),
    "Kafr Lusin camps": (5200, "families", "Kafrluseen camps 5,200 families"),
    "Harem / Salqin camps": (2200 + 1500, "families", "Salqeen camps 2,200 + Harem camps 1,500 families"),
    "Darkush camps": (1400, "families", "Darkush camps 1,400 families"),
    "Khirbet al-Joz / Zouf camps": (5000 + 3500, "families", "Khirbat al-Joz camps 5,000 + Zouf camps 3,500 families"),
}

# Shared direct Syria-Turkey links that bypass a crossing node; replaced by links through
# the Jarablus and al-Rai crossing nodes so that one border policy covers every way into Turkey.
DROP_SHARED_ROADS = {frozenset(("Jarablus", "Karkamis camp")), frozenset(("Al-Bab", "Elbeyli camp"))}

# Extra roads: (from, to, road, note). km = great-circle x 1.3.
NEW_ROADS: list[tuple[str, str, str, str]] = [
    # camp clusters
    ("Kafr Lusin camps", "Bab al-Hawa crossing", "road", ""),
    ("Kafr Lusin camps", "Atmeh camps", "road", ""),
    ("Kafr Lusin camps", "Sarmada", "road", ""),
    ("Sarmada camps", "Sarmada", "road", ""),
    ("Sarmada camps", "Bab al-Hawa crossing", "road", ""),
    ("Sarmada camps", "Dana", "road", ""),
    ("Harem / Salqin camps", "Harem", "road", ""),
    ("Harem / Salqin camps", "Salqin", "road", ""),
    ("Dana / Killi / Kafr Aruq camps", "Dana", "road", ""),
    ("Dana / Killi / Kafr Aruq camps", "Maarrat Misrin", "road", ""),
    ("Dana / Killi / Kafr Aruq camps", "Sarmada", "road", ""),
    ("Maarrat Misrin / Sheikh Bahr camps", "Maarrat Misrin", "road", ""),
    ("Maarrat Misrin / Sheikh Bahr camps", "Armanaz", "road", ""),
    ("Darkush camps", "Darkush", "road", ""),
    ("Khirbet al-Joz / Zouf camps", "Khirbet al-Joz / Guvecci crossing", "road", ""),
    ("Khirbet al-Joz / Zouf camps", "Darkush", "road", ""),
    ("Bab al-Salam camp", "Bab al-Salam crossing", "road", ""),
    ("Bab al-Salam camp", "Azaz", "road", ""),
    ("Shamarin camps", "Azaz", "road", ""),
    ("Shamarin camps", "Bab al-Salam crossing", "road", ""),
    ("Sijo camps", "Azaz", "road", ""),
    ("Sijo camps", "Bab al-Salam crossing", "road", ""),
    ("Afrin / Jindires camps", "Jindires", "road", ""),
    ("Afrin / Jindires camps", "Afrin", "road", ""),
    ("Jarablus camps", "Jarablus", "road", ""),
    # Turkish-held north
    ("Marea", "Azaz", "road", ""),
    ("Marea", "Akhtarin", "road", ""),
    ("Marea", "Tall Rifaat", "road", " (crosses a front line or links government-held places)"),
    ("Akhtarin", "Al-Bab", "road", ""),
    ("Akhtarin", "Sawran", "road", ""),
    ("Sawran", "Azaz", "road", ""),
    ("Sawran", "Al-Rai", "road", ""),
    ("Al-Rai", "Al-Bab", "road", ""),
    ("Al-Rai", "Al-Rai crossing", "road", ""),
    ("Al-Rai crossing", "Elbeyli camp", "border", " (al-Rai/Cobanbey crossing)"),
    ("Jarablus", "Jarablus crossing", "road", ""),
    ("Jarablus crossing", "Karkamis camp", "border", " (Jarablus/Karkamis crossing)"),
    # Turkey
    ("Reyhanli", "Kirikhan", "road", " (Turkey)"),
    ("Kirikhan", "Antakya", "road", " (Turkey)"),
    # government-held
    ("Hama", "Suran (Hama)", "M5", " (M5 north of Hama by map reading)"),
    ("Suran (Hama)", "Morek", "M5", " (crosses a front line or links government-held places)"),
    ("Hama", "Tayyibat al-Imam", "road", ""),
    ("Tayyibat al-Imam", "Suran (Hama)", "road", ""),
    ("Halfaya", "Mhardeh", "road", ""),
    ("Halfaya", "Latamina", "road", " (crosses a front line or links government-held places)"),
    ("Halfaya", "Tayyibat al-Imam", "road", ""),
    ("Masyaf", "Hama", "road", ""),
    ("Masyaf", "Al-Suqaylabiyah", "road", ""),
    ("Jableh", "Latakia", "road", ""),
    ("As-Safira", "Aleppo", "road", ""),
    # 2019 front
    ("Kafr Nabudah", "Qalaat al-Madiq", "road", ""),
    ("Kafr Nabudah", "Al-Hamamiyat", "road", ""),
    ("Kafr Nabudah", "Al-Habit", "road", ""),
    ("Kafr Nabudah", "Al-Suqaylabiyah", "road", " (crosses a front line or links government-held places)"),
    ("Al-Hamamiyat", "Kafr Zita", "road", ""),
    ("Al-Habit", "Khan Shaykhun", "road", ""),
    ("Al-Habit", "Kafr Nabl", "road", ""),
    ("Al-Tamanah", "Khan Shaykhun", "road", ""),
    ("Al-Tamanah", "Jarjanaz", "road", ""),
    # 2019-20 front
    ("Maar Shurin", "Maarat al-Numan", "road", ""),
    ("Maar Shurin", "Talmenes", "road", ""),
    ("Talmenes", "Jarjanaz", "road", ""),
    ("Talmenes", "Saraqib", "road", ""),
    ("Jarjanaz", "Abu al-Duhur", "road", " (crosses a front line or links government-held places)"),
    ("Tell Tuqan", "Saraqib", "road", ""),
    ("Tell Tuqan", "Abu al-Duhur", "road", " (crosses a front line or links government-held places)"),
    ("Taftanaz", "Binnish", "road", ""),
    ("Taftanaz", "Sarmin", "road", ""),
    ("Taftanaz", "Atarib", "road", ""),
    ("Zarbah (al-Eis)", "Khan Tuman", "M5", " (M5 by map reading)"),
    ("Khan Tuman", "Khan al-Asal", "road", ""),
    ("Khan al-Asal", "Aleppo", "M5", " (crosses a front line or links government-held places)"),
    ("Khan al-Asal", "Urum al-Kubra", "road", ""),
    ("Urum al-Kubra", "Atarib", "road", ""),
    ("Urum al-Kubra", "Kafr Halab", "road", ""),
    ("Kafr Halab", "Atarib", "road", ""),
    ("Kafr Halab", "Zarbah (al-Eis)", "road", ""),
    ("Armanaz", "Kafr Takharim", "road", ""),
    ("Armanaz", "Maarrat Misrin", "road", ""),
]


# Governorate of the added places (the shared rows carry theirs).
GOVERNORATE = {
    "Kafr Lusin camps": "Idlib", "Sarmada camps": "Idlib", "Harem / Salqin camps": "Idlib",
    "Dana / Killi / Kafr Aruq camps": "Idlib", "Maarrat Misrin / Sheikh Bahr camps": "Idlib",
    "Darkush camps": "Idlib", "Khirbet al-Joz / Zouf camps": "Idlib", "Bab al-Salam camp": "Aleppo",
    "Shamarin camps": "Aleppo", "Sijo camps": "Aleppo", "Afrin / Jindires camps": "Aleppo",
    "Jarablus camps": "Aleppo", "Marea": "Aleppo", "Akhtarin": "Aleppo", "Sawran": "Aleppo",
    "Al-Rai": "Aleppo", "Jarablus crossing": "Aleppo", "Al-Rai crossing": "Aleppo", "Kirikhan": "Hatay",
    "Suran (Hama)": "Hama", "Halfaya": "Hama", "Tayyibat al-Imam": "Hama", "Masyaf": "Hama",
    "Jableh": "Latakia", "As-Safira": "Aleppo", "Kafr Nabudah": "Hama", "Al-Habit": "Idlib",
    "Al-Hamamiyat": "Hama", "Al-Tamanah": "Idlib", "Maar Shurin": "Idlib", "Talmenes": "Idlib",
    "Jarjanaz": "Idlib", "Tell Tuqan": "Idlib", "Taftanaz": "Idlib", "Khan Tuman": "Aleppo",
    "Khan al-Asal": "Aleppo", "Urum al-Kubra": "Aleppo", "Kafr Halab": "Aleppo", "Armanaz": "Idlib",
}
# Sub-district (nahiyah) where it is clear from the place itself (a nahiyah seat, or a village whose
# nahiyah the cited page names); spelled as OCHA/REACH spell those in observed_2019.csv. Blank otherwise.
SUBDISTRICT = {
    "Dana": "Dana", "Sarmada": "Dana", "Atmeh camps": "Dana", "Qah camps": "Dana", "Sarmada camps": "Dana",
    "Maarrat Misrin": "Maaret Tamsrin", "Maarrat Misrin / Sheikh Bahr camps": "Maaret Tamsrin",
    "Dana / Killi / Kafr Aruq camps": "Maaret Tamsrin", "Salqin": "Salqin", "Harem": "Harim",
    "Darkush": "Darkosh", "Darkush camps": "Darkosh", "Qalaat al-Madiq": "Madiq Castle",
    "Kafr Nabudah": "Madiq Castle", "Atarib": "Atareb", "Azaz": "Azaz", "Al-Bab": "Al Bab",
    "Afrin": "Afrin", "Jindires": "Jandairis", "Rajo": "Raju", "Jarablus": "Jarablus",
    "Jarablus camps": "Jarablus", "Jarablus crossing": "Jarablus", "Taftanaz": "Teftnaz",
    "Maarat al-Numan": "Ma'arrat An Nu'man", "Talmenes": "Ma'arrat An Nu'man",
    "Khan Shaykhun": "Khan Shaykun", "Al-Habit": "Khan Shaykun", "Kafr Zita": "Kafr Zeita",
    "Marea": "Mare'", "Akhtarin": "Akhtrein", "Sawran": "Suran (Aleppo)", "Al-Rai": "Ar-Ra'ee",
    "Urum al-Kubra": "Urum Al Kubra", "Kafr Halab": "Urum Al Kubra", "Idlib": "Idleb",
    "Saraqib": "Saraqab", "Sarmin": "Sarmin", "Ariha": "Ariha", "Jabal al-Zawiya (Ihsim)": "Ehsem",
    "Kafr Takharim": "Kafr Takharim", "Jisr al-Shughur": "Jisr-Ash-Shugur", "Kafr Nabl": "Kafr Nobol",
    "Hish": "Heish", "Daret Azza": "Daret Azza", "Binnish": "Bennsh", "Morek": "Suran (Hama)",
    "Suran (Hama)": "Suran (Hama)", "Tall Rifaat": "Tell Refaat", "Nubl and Zahraa": "Nubl",
    "Mhardeh": "Mhardeh", "Al-Suqaylabiyah": "As-Suqaylabiyah",
}


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km (R = 6371.0088 km, the mean Earth radius)."""
    r = 6371.0088
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def split_coords(notes: str) -> tuple[str, str]:
    """Split the shared 'coords: ...' tail from notes."""
    i = notes.rfind("coords:")
    if i < 0:
        return notes, ""
    return notes[:i].rstrip("; ").strip(), notes[i + len("coords:"):].strip()


def main() -> int:
    rows: list[dict[str, str]] = []
    with open(SHARED / "places.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            kind, country, held, region = KIND_MAP[r["kind"]]
            notes, coords = split_coords(r["notes"])
            fix = SHARED_FIX.get(r["name"], {})
            if "notes_replace" in fix:
                old, new = fix["notes_replace"]
                notes = notes.replace(old, new)
            if "notes" in fix:
                notes = fix["notes"]
            if coords == "Wikipedia copy above":
                coords = "Wikipedia copy cited in population_source"
            if coords == "same page" or coords.startswith("same page"):
                coords = coords  # kept: the page is in notes
            loc = f"{r['governorate']} governorate" + (f", {r['district']} district" if r["district"] else "")
            if r["name"] == "Tall Rifaat":
                notes = "held_by_2018=government is an approximation (YPG/SDF-held with regime-aligned presence); " + notes
            rows.append({
                "name": r["name"], "kind": kind,
                "lat": fix.get("lat", r["lat"]), "lon": fix.get("lon", r["lon"]),
                "country": country, "held_by_2018": fix.get("held_by", held), "region": fix.get("region", region),
                "population_2018": r["population_2018"], "population_source": r["population_source"],
                "residents_2018": "", "residents_source": "", "capacity": "", "capacity_source": "",
                "coords_source": fix.get("coords", coords) or "see notes",
                "notes": f"{loc}; {notes}" if notes else loc,
                "governorate": r["governorate"], "subdistrict": SUBDISTRICT.get(r["name"], ""),
            })
    for (name, kind, lat, lon, country, held, region, pop, pop_src, coords, notes) in NEW_PLACES:
        rows.append({
            "name": name, "kind": kind, "lat": f"{lat}", "lon": f"{lon}", "country": country,
            "held_by_2018": held, "region": region, "population_2018": f"{pop}", "population_source": pop_src,
            "residents_2018": "", "residents_source": "", "capacity": "", "capacity_source": "",
            "coords_source": coords, "notes": notes,
            "governorate": GOVERNORATE[name], "subdistrict": SUBDISTRICT.get(name, ""),
        })
    by_name = {r["name"]: r for r in rows}
    # OCHA's ~136,000 left in Afrin district (end May 2018) split by the 2004 nahiyah shares,
    # so that Jindires and Rajo carry their part instead of all of it sitting on the Afrin node.
    nahiyah = {"Jindires": 32947, "Rajo": 21955}
    district_2004 = 172907
    ocha = "OCHA 15 Jun 2018: ~136,000 remained in Afrin district at end of May 2018 (https://reliefweb.int/report/syrian-arab-republic/syrian-arab-republic-humanitarian-situation-update-afrin-district-and)"
    census = "CBS 2004 nahiyah populations of Afrin district (https://en.wikipedia.org/wiki/Afrin_District; the seven nahiyahs sum to 172,907)"
    rest = 136000
    for town, n in nahiyah.items():
        pop = round(136000 * n / district_2004)
        rest -= pop
        by_name[town]["population_2018"] = str(pop)
        by_name[town]["population_source"] = f"assumption: {ocha} x the {town} nahiyah share {n:,}/172,907 of the {census}"
    by_name["Afrin"]["population_2018"] = str(rest)
    by_name["Afrin"]["population_source"] = (f"assumption: {ocha} less the Jindires and Rajo nahiyah shares, by the {census}; "
                                             "node stands for the other five nahiyahs")
    jar = by_name["Jarablus"]
    jar["population_2018"] = "23140"
    jar["population_source"] = "assumption: 2 x 2004 town figure 11,570 (" + FF + "); " + DOUBLING
    if len(by_name) != len(rows):
        raise SystemExit("duplicate place names")

    # Camp residents: sourced counts first, then one uniform split of the sourced NW total.
    sourced = 0
    for name, (val, unit, what) in RESIDENTS.items():
        people = round(val * HH) if unit == "families" else int(val)
        r = by_name[name]
        r["residents_2018"] = str(people)
        r["residents_source"] = (f"assumption: {what} x {HH:.2f} people per household; families: {SOHR_CAMPS}; "
                                 f"household size: {HH_SRC}")
        sourced += people
    bas = by_name["Bab al-Salam camp"]
    bas["residents_2018"] = "16850"
    bas["residents_source"] = ("~16,850 in the camp at the gate in early 2015 (https://de.wiki.li/Bab_al-Salameh, "
                               "Wikipedia copy; no 2018 count found)")
    sourced += 16850
    total = 417501
    rest = [r for r in rows if r["kind"] == "idp_camp_cluster" and not r["residents_2018"]]
    share = (total - sourced) / len(rest)
    for r in rest:
        r["residents_2018"] = str(round(share))
        r["residents_source"] = (f"assumption: uniform split R1 (SOURCES.md): UNHCR Sept 2018 counted 417,501 IDPs in 336 "
                                 f"settlements in NW Syria ({UNHCR_SITES}); the {total - sourced:,} not in the sourced clusters are "
                                 f"shared equally among the {len(rest)} clusters without a count")
    for r in rows:
        if r["kind"] == "idp_camp_cluster":
            r["population_2018"] = r["residents_2018"]
            r["population_source"] = "same as residents_2018 (the camp residents are the cluster's population)"

    # Roads: shared rows, then new great-circle rows.
    roads: list[dict[str, str]] = []
    seen: set[frozenset[str]] = set()
    with open(SHARED / "roads.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if frozenset((r["from"], r["to"])) in DROP_SHARED_ROADS:
                continue
            # contract: 'border' marks links into Turkey only; the shared 'border road' inside Syria is a road
            road = "road" if r["road"] in ("border road", "border") else r["road"]
            if by_name[r["from"]]["country"] != by_name[r["to"]]["country"]:
                road = "border"
            km = r["km"]
            if r["source"].startswith("assumption: great-circle"):
                # recompute from this table's coordinates (a few were corrected)
                pa = (float(by_name[r["from"]]["lat"]), float(by_name[r["from"]]["lon"]))
                pb = (float(by_name[r["to"]]["lat"]), float(by_name[r["to"]]["lon"]))
                km = f"{round(haversine_km(pa, pb) * 1.3, 1):.1f}"
            roads.append({"from": r["from"], "to": r["to"], "km": km, "road": road, "source": r["source"]})
            seen.add(frozenset((r["from"], r["to"])))
    for a, b, road, note in NEW_ROADS:
        if a not in by_name or b not in by_name:
            raise SystemExit(f"unknown place in road {a} - {b}")
        key = frozenset((a, b))
        if key in seen:
            raise SystemExit(f"duplicate road {a} - {b}")
        seen.add(key)
        pa = (float(by_name[a]["lat"]), float(by_name[a]["lon"]))
        pb = (float(by_name[b]["lat"]), float(by_name[b]["lon"]))
        km = round(haversine_km(pa, pb) * 1.3, 1)
        roads.append({"from": a, "to": b, "km": f"{max(km, 0.5):.1f}", "road": road,
                      "source": f"assumption: great-circle x1.3{note}; no published road distance found"})

    OUT.mkdir(parents=True, exist_ok=True)
    for fname, header, data in (("places.csv", HEADER, rows), ("roads.csv", ["from", "to", "km", "road", "source"], roads)):
        tmp = OUT / (fname + ".tmp")
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
            w.writeheader()
            w.writerows(data)
        os.replace(tmp, OUT / fname)
    print(f"{len(rows)} places, {len(roads)} roads -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
