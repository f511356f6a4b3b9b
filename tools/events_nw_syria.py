"""Write the dated event tables of the 2019 and 2019-20 offensives (no displacement figures).

Run from the repository root: python tools/events_nw_syria.py
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "enclave" / "scenario" / "data" / "events"
HEADER = ["date", "end_date", "event", "places", "by", "source", "note"]
CROSSINGS = "Bab al-Hawa crossing;Bab al-Salam crossing;Khirbet al-Joz / Guvecci crossing;Jarablus crossing;Al-Rai crossing"
FRONT_2019 = ("Kafr Nabudah;Qalaat al-Madiq;Al-Hamamiyat;Al-Habit;Kafr Zita;Latamina;Morek;Khan Shaykhun;Al-Tamanah;"
              "Hish;Kafr Nabl;Maarat al-Numan;Jabal al-Zawiya (Ihsim);Kabana")

E2019 = [
    ("2019-02-01", "", "border_policy", CROSSINGS, "",
     "https://alinea.id/amp/dunia/-b1U5D9dH2",
     "closed: on 11 Sept 2018 Turkey (hosting about 3.5 million) said it could not take more refugees from an Idlib offensive; crossings open for aid and trade only (context row: the policy was in force when the case starts)"),
    ("2019-05-31", "", "border_policy", CROSSINGS, "",
     "https://www.thenationalnews.com/world/mena/idlib-residents-plan-to-defy-syria-turkey-border-closure-1.869487",
     "closed: civilians who fled the fighting massed at Syria's closed border with Turkey near Atmeh (late May 2019)"),
    ("2019-02-01", "2019-04-27", "strikes", "Khan Shaykhun;Kafr Zita;Latamina;Morek;Al-Tamanah;Kafr Nabudah;Qalaat al-Madiq", "government",
     "https://m.reliefweb.int/report/3093023?lang=ru",
     "context: shelling and air strikes along the Sochi DMZ from February 2019 (OCHA monthly movements map, Feb 2019); lower intensity than from 28 April; places are the DMZ towns of the 2019 front (assumption: the map does not name each)"),
    ("2019-04-28", "", "strikes", FRONT_2019, "government",
     "https://docslib.org/doc/11545221/ocha-coordination-saves-lives (SECONDARY: docslib.org re-host of the UN or NGO document named in the address; the original could not be opened from here)",
     "OCHA Flash Update 7 May 2019: air strikes and shelling on northern Hama and southern Idlib from 28 April; places are the towns of that area in places.csv"),
    ("2019-05-22", "2019-05-22", "strikes", "Maarat al-Numan", "government",
     "https://newsformal.com/be/news-6006214",
     "SECONDARY (AFP summary): air strike on the market of Maarat al-Numan on 22 May 2019 while fighting raged around Kafr Nabudah"),
    ("2019-07-12", "2019-07-12", "strikes", "Idlib;Jisr al-Shughur;Ariha;Maarat al-Numan", "government",
     "https://stj-sy.org/en/syria-27-persons-killed-in-air-raids-on-five-cities-in-idlib",
     "SECONDARY (Syrians for Truth and Justice): simultaneous air raids on four cities of Idlib province on 12 July 2019"),
    ("2019-07-16", "2019-07-16", "strikes", "Maar Shurin", "government",
     "https://stj-sy.org/en/syria-27-persons-killed-in-air-raids-on-five-cities-in-idlib",
     "SECONDARY (Syrians for Truth and Justice): two air raids on Maar Shurin on 16 July 2019"),
    ("2019-07-22", "2019-07-22", "strikes", "Maarat al-Numan;Saraqib", "government",
     "https://stj-sy.org/en/syria-joint-syrian-russian-aerial-attacks-render-dozens-of-civilians-dead-in-idlib",
     "SECONDARY (Syrians for Truth and Justice): air strikes on the markets of Maarat al-Numan and Saraqib on 22 July 2019"),
    ("2019-05-08", "2019-08-06", "ground_fighting", "Kafr Nabudah;Qalaat al-Madiq;Al-Hamamiyat", "",
     "http://english.alarabiya.net/en/News/middle-east/2019/05/09/Government-forces-capture-strategic-town-northwest-Syria.html",
     "SECONDARY (Al Arabiya/Reuters): ground offensive in north-west Hama from early May; the front stayed at Kafr Nabudah / Tal Sakher until early August (https://www.almasdarnews.com/article/syrian-army-unleashes-massive-attack-to-capture-southwest-idlib-town/)"),
    ("2019-05-08", "", "captured", "Kafr Nabudah", "government",
     "https://en.muraselon.com/2019/05/syrian-army-hama-stronghold-rebels/",
     "SECONDARY (pro-government outlet): army took Kafr Nabudah the day before entering Qalaat al-Madiq; Orient News (https://orient-news.net/ar/news_show/167327) dates the fall to early May"),
    ("2019-05-09", "", "captured", "Qalaat al-Madiq", "government",
     "http://english.alarabiya.net/en/News/middle-east/2019/05/09/Government-forces-capture-strategic-town-northwest-Syria.html",
     "SECONDARY (Al Arabiya/Reuters, 9 May 2019); OCHA cross-border reach May 2019 confirms GoS control of Madiq Castle by 12 May (https://www.humanitarianresponse.info/en/operations/stima/infographic/turkeysyria-cross-border-humanitarian-reach-and-activities-turkey-may-1)"),
    ("2019-05-22", "", "captured", "Kafr Nabudah", "opposition",
     "https://english.iswnews.com/5584/latest-military-situation-in-northwest-of-hama-22-may-2019-saa-retreated-from-kafr-nabuda/",
     "SECONDARY (ISWNews, pro-government): HTS and allies retook Kafr Nabudah after a 24-hour battle"),
    ("2019-05-26", "", "captured", "Kafr Nabudah", "government",
     "https://en.trend.az/world/3068309.html",
     "SECONDARY (Trend/TASS citing SANA): government forces regained Kafr Nabudah on Sunday 26 May (third change of hands)"),
    ("2019-08-02", "2019-08-04", "ceasefire", "all", "",
     "https://reliefweb.int/report/syrian-arab-republic/syrian-arab-republic-recent-developments-northwestern-syria-situation-3",
     "OCHA Sitrep 10: conditional ceasefire agreed 1 Aug at Astana, brief lull in air strikes 2-4 Aug; air strikes resumed 5 Aug"),
    ("2019-08-05", "", "strikes", FRONT_2019, "government",
     "https://reliefweb.int/report/syrian-arab-republic/syrian-arab-republic-recent-developments-northwestern-syria-situation-3",
     "OCHA Sitrep 10: air strikes resumed 5 Aug after the conditional ceasefire collapsed"),
    ("2019-08-07", "2019-08-30", "ground_fighting", "Kafr Nabudah;Al-Hamamiyat;Al-Habit;Khan Shaykhun;Kafr Zita;Latamina;Morek;Al-Tamanah", "",
     "https://reliefweb.int/report/syrian-arab-republic/syrian-arab-republic-recent-developments-northwestern-syria-situation-3",
     "OCHA Sitrep 10: ground fighting resumed 7 Aug; government took Skik, Hbit, Abdin, Arbain, Zakat, Um Zaytuna and Khan Shaykhun"),
    ("2019-08-11", "", "captured", "Al-Habit", "government",
     "https://www.trtworld.com/middle-east/syrian-regime-captures-key-village-in-rebel-held-idlib-28933/amp",
     "SECONDARY (TRT World / AFP, Sunday 11 Aug 2019: http://www.sahat-altahreer.com/?p=48893); OCHA Sitrep 10 lists Hbit among places taken"),
    ("2019-08-21", "", "captured", "Khan Shaykhun", "government",
     "https://reliefweb.int/report/syrian-arab-republic/wfp-syria-north-western-syria-emergency-situation-report-6-22-august",
     "WFP Sitrep 6: opposition forces withdrew on 20 Aug after the town was surrounded; government in control 21 Aug (AFP/SOHR: https://www.tellerreport.com/life/2019-08-23---syria--syrian-troops-encircle-a-turkish-military-observation-post-near-idleb-.rkbAB546NS.html)"),
    ("2019-08-30", "", "captured", "Al-Tamanah", "government",
     "https://sputniknews.com/middleeast/201908301076680015-syrian-army-controls-al-tamanah-town-in-south-of-idlib---military-commander/",
     "SECONDARY (Sputnik citing a Syrian commander, Friday 30 Aug 2019): army in control of al-Tamanah; Muraselon has the town taken on the night of Thursday 29 Aug (https://en.muraselon.com/?p=86062)"),
    ("2019-08-23", "", "captured", "Kafr Zita;Latamina;Morek;Al-Hamamiyat", "government",
     "https://www.tellerreport.com/life/2019-08-23---syria--syrian-troops-encircle-a-turkish-military-observation-post-near-idleb-.rkbAB546NS.html",
     "SECONDARY (AFP/SOHR, 23 Aug 2019): government took all localities of the northern Hama pocket incl. Kafr Zita and Latamina and surrounded the Turkish post at Morek; Xinhua (http://namnewsnetwork.org/?p=39106) has Morek taken the same day; OCHA Sitrep 11 confirms Kafr Zeita, Latmana and Khan Shaykun held by GoS; Al-Hamamiyat is in that pocket, which fell as a whole ('entire northern Hama pocket': https://www.almasdarnews.com/article/breaking-syrian-army-captures-entire-northern-hama-pocket/), its own day is not sourced"),
    ("2019-08-31", "", "ceasefire", "all", "",
     "https://reliefweb.int/report/syrian-arab-republic/syrian-arab-republic-recent-developments-northwestern-syria-situation-4",
     "OCHA Sitrep 11: renewed unilateral ceasefire from 31 Aug 2019, after which air strikes reportedly ceased"),
]

E2020 = [
    ("2019-12-01", "", "border_policy", CROSSINGS, "",
     "https://www.thenationalnews.com/world/mena/idlib-residents-plan-to-defy-syria-turkey-border-closure-1.869487",
     "closed: Turkey kept the border closed to new refugees since 2018-2019 (this source: May 2019); no change of policy for Syrians at these crossings is recorded for Dec 2019 - Mar 2020"),
    ("2019-12-01", "2019-12-15", "strikes", "Maarat al-Numan;Saraqib", "government",
     "https://www.theglobeandmail.com/world/article-market-in-rebel-held-syrian-town-hit-by-air-strike-at-least-10-killed/",
     "SECONDARY (AP, 2 Dec 2019): air strikes on the markets of Maarat al-Numan and Saraqib; the town had been targeted since mid-November (https://indiatvnews.com/amp/news/world/syria-airstrikes-civilians-killed-568302); government troops advanced on villages south of the area from 25 Nov (https://www.washingtonpost.com/world/airstrikes-kill-at-least-10-in-syrias-northwest-rebel-bastion/2019/12/02/3e5da230-14f0-11ea-80d6-d0ca7007273f_story.html)"),
    ("2019-12-16", "", "strikes", "Saraqib;Maarat al-Numan;Maar Shurin;Talmenes;Hish", "government",
     "https://reliefweb.int/report/syrian-arab-republic/recent-developments-northwestern-syria-flash-update-no-1-20-december",
     "OCHA Flash Update 1: air strikes and shelling intensified from 16 Dec in southern Idlib (also Maar Shamarin and Tah, which are not places here)"),
    ("2019-12-19", "2020-01-28", "ground_fighting", "Jarjanaz;Talmenes;Maar Shurin", "",
     "https://reliefweb.int/report/syrian-arab-republic/syrian-arab-republic-recent-developments-northwestern-syria-situation-8",
     "OCHA Sitrep 2: ground fighting resumed 19 Dec in the Maarrat al-Numan countryside (south-east Idlib); TASS: the offensive began 19 Dec (https://tass.com/world/1102781)"),
    ("2019-12-23", "", "captured", "Jarjanaz", "government",
     "https://tass.com/world/1102781",
     "SECONDARY (TASS citing Al-Masdar, 24 Dec 2019): government troops regained Jarjanaz late on Monday 23 Dec; Sputnik/UrduPoint confirm entry on 23 Dec (https://www.urdupoint.com/en/world/syrian-armed-forces-enter-jarjanaz-in-provinc-794465.html)"),
    ("2020-02-04", "2020-02-08", "ground_fighting", "Saraqib;Tell Tuqan", "",
     "https://www.almasdarnews.com/article/breaking-syrian-army-scores-new-advance-in-idlib-as-jihadists-struggle-to-hold-ground/",
     "SECONDARY (Al-Masdar, 4 Feb 2020): advances south and east of Saraqib (Mardikh, Tal Mardikh, Tal Sultan) until the town fell on 8 Feb"),
    ("2020-01-24", "2020-02-05", "ground_fighting", "Maarat al-Numan;Maar Shurin;Talmenes;Tell Tuqan", "",
     "https://english.iswnews.com/10586/map-syrian-army-resume-operation-in-idlib-province-3km-to-maarat-al-numan/",
     "SECONDARY (ISWNews, 25 Jan 2020): ground advances resumed on 24 Jan south-east of Maarrat al-Numan (Maar Shamarin taken) and west of Abu al-Duhur; OHCHR: a ceasefire of 12 Jan did not stop air strikes (https://scoop.co.nz/stories/WO2001/S00089/syria-bachelet-condemns-continued-killings.htm), so it is not a ceasefire row"),
    ("2020-01-24", "2020-02-17", "ground_fighting", "Khan Tuman;Khan al-Asal;Zarbah (al-Eis);Urum al-Kubra;Kafr Halab;Atarib;Daret Azza", "",
     "https://reliefweb.int/report/syrian-arab-republic/recent-developments-northwest-syria-flash-update-6-february-2020",
     "OCHA Flash Update 6 Feb 2020: increased military activity in western Aleppo since late January (start day 24 Jan is an assumption from the ISWNews row); fighting there ended when the government held the western countryside of Aleppo city on 16-17 Feb (https://www.onenewspage.com/n/Middle+East/1zlqhnd6zk/Syria-forces-consolidate-control-of-Aleppo.htm)"),
    ("2020-01-28", "", "captured", "Maarat al-Numan;Maar Shurin;Talmenes", "government",
     "https://nationalpost.com/pmn/news-pmn/politics-news-pmn/syria-government-forces-enter-town-south-of-idlib-war-monitor",
     "SECONDARY (Reuters via National Post): government forces entered Maarrat al-Numan on 28 Jan; Maar Shurin and Talmenes lie on its eastern approach, held by then (assumption: their own day is not sourced; ISWNews 25 Jan put the army within 3 km of the city; the army's statement reported by SANA via Iran Daily lists Tell Mannas and Ma'ar Shoreen among the places it controlled by 30 Jan: http://www.iran-daily.com/News/265040.html)"),
    ("2020-01-31", "", "captured", "Hish", "government",
     "https://www.almasdarnews.com/article/breaking-syrian-army-captures-town-near-turkish-military-post/",
     "SECONDARY (Al-Masdar, 31 Jan 2020): Hish taken west of Maarrat al-Numan; SANA via Iran Daily reports the same on Friday 31 Jan (http://www.iran-daily.com/News/265040.html)"),
    ("2020-02-05", "", "captured", "Tell Tuqan", "government",
     "https://infosurhoy.com/news/syrian-army-capture-town-in-idlib-near-turkish-base/",
     "SECONDARY (Xinhua, 5 Feb 2020): army captured the Tal Toukan area, where a Turkish base is located, on its way to Saraqib"),
    ("2020-02-02", "", "strikes", "Ariha;Idlib;Binnish;Sarmin;Atarib;Daret Azza;Urum al-Kubra;Kafr Halab", "government",
     "https://reliefweb.int/report/syrian-arab-republic/recent-developments-northwest-syria-flash-update-6-february-2020",
     "OCHA Flash Update 6 Feb 2020: strikes on Ariha, Idlib city, Binnish and Sarmin and the western Aleppo countryside since late January (the four western Aleppo places are this table's reading of 'western Aleppo countryside')"),
    ("2020-02-08", "", "captured", "Saraqib", "government",
     "https://dailygamingworld.com/syria-army-exceeds-key-idlib-crossroads-town-state-tv/",
     "SECONDARY (re-post of an AFP wire citing Syrian state TV): full control of Saraqib on 8 Feb"),
    ("2020-02-10", "", "captured", "Zarbah (al-Eis);Khan Tuman;Khan al-Asal", "government",
     "https://presstv.ir/Detail/2020/03/02/619964/Syrian-govt.-forces-recapture-key-northwestern-city-from-Turkish-backed-militants",
     "SECONDARY (PressTV): government control of the whole M5 from 10 Feb (about 10-11 Feb); Khan al-Asal was approached from 1 Feb (http://www.panarmenian.net/eng/news/277504/) and taken before the M5 was cleared (https://en.muraselon.com/?p=96700); the day of each village is not sourced"),
    ("2020-02-14", "", "captured", "Urum al-Kubra;Kafr Halab", "government",
     "https://www.almasdarnews.com/article/syrian-army-advances-in-western-aleppo-after-foiling-jihadist-offensive/",
     "SECONDARY (Al-Masdar, 14 Feb 2020): Urum al-Kubra taken; the army already held positions in Kafr Halab that day (https://southfront.org/syrian-army-enters-new-town-in-western-aleppo/)"),
    ("2020-02-23", "2020-03-05", "ground_fighting", "Kafr Nabl;Jabal al-Zawiya (Ihsim)", "",
     "https://www.wardiary.net/post/battles-for-syria-february-24th-2020-syrian-army-advance-in-south-idlib",
     "SECONDARY: Kafr Sijnah taken on the night of 23 Feb, then the offensive into Jabal al-Zawiya"),
    ("2020-02-25", "", "captured", "Kafr Nabl", "government",
     "https://uprootedpalestinians.wordpress.com/2020/02/25/turkish-led-forces-are-fleeing-from-southern-idlib-kafr-nubl-is-in-hands-of-syrian-army-map-update/",
     "SECONDARY (SouthFront repost): Hass and Kafr Nabl taken on 25 Feb; SOHR via France 24 (https://www.novinite.com/articles/203340/The+Syrian+Army+Conquered+another+City+in+Idlib) reports Kafranbel retaken by 26 Feb"),
    ("2020-02-25", "2020-03-02", "ground_fighting", "Saraqib", "",
     "https://www.graphicnews.com/ar/pages/40037/sorya-koat-almaaard-alsory-tsytr-aal-mdyn-srakb",
     "SECONDARY: opposition counter-attack on Saraqib from about 25 Feb, cutting the M5"),
    ("2020-02-27", "", "captured", "Saraqib", "opposition",
     "https://www.graphicnews.com/ar/pages/40037/sorya-koat-almaaard-alsory-tsytr-aal-mdyn-srakb",
     "SECONDARY (Graphic News): Turkish-backed opposition fighters retook Saraqib (Syrian TV reported clashes on the cut road on 27 Feb: https://uprootedpalestinians.wordpress.com/2020/02/27/syrian-army-clashes-with-terrorist-groups-that-cut-damascus-aleppo-international-road/)"),
    ("2020-03-02", "", "captured", "Saraqib", "government",
     "https://sputniknews.com/middleeast/202003021078453296-russian-military-police-enter-syrias-saraqib-to-ensure-security---defence-ministry/",
     "SECONDARY (Sputnik): government forces re-entered Saraqib on 2 Mar; Russian military police deployed"),
    ("2020-03-06", "", "ceasefire", "all", "",
     "https://reliefweb.int/report/syrian-arab-republic/northwest-syria-situation-overview-16-march-2020",
     "Moscow agreement of 5 Mar 2020, ceasefire from 00:01 on 6 Mar; joint Turkish-Russian patrol corridor on the M4 (address as in the shared events_2019_2020.csv)"),
]


def write(name: str, rows: list[tuple]) -> None:
    """Write one table sorted by date (temp file, then rename)."""
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = OUT / (name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        for r in sorted(rows, key=lambda r: (r[0], r[2])):
            w.writerow(r)
    os.replace(tmp, OUT / name)


if __name__ == "__main__":
    write("nw-syria-2019.csv", E2019)
    write("nw-syria-2019-20.csv", E2020)
    print(f"{len(E2019)} + {len(E2020)} event rows -> {OUT}")
