"""Synthetic Indonesian populations with controlled duplicates and known truth (seeded).

    python -m bench.dedup.generate --records 100000 --output var/bench/dedup/people-100000.csv

People live in families (one No. KK, the mother's name shared by siblings, one address), so that
the hard non-matches are there: siblings, twins, namesakes born the same year. Names follow
realistic shares: Javanese mononyms (Sutrisno, Suparmi), Muhammad/Siti/Nur/Abdul names, Sundanese,
Batak marga, Balinese birth-order names, Christian and modern names; older people more often
carry an old spelling. Each person has one to five records, as when several sentra and dinas
register one person; every record after the first is copied with the errors seen in registries:
a missing NIK (30 %), a NIK typo or transposition (5 %), the old or new spelling, Muhammad
written otherwise, a typo, a dropped or added name word, a title, day and month swapped, a year
only, a move to another regency (15 %) and missing fields. The `cluster_id` column is the truth.
"""

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

COLUMNS = [
    "record_id",
    "cluster_id",
    "full_name",
    "birth_date",
    "sex",
    "nik",
    "no_kk",
    "village_code",
    "address",
    "mother_name",
    "phone",
    "birth_place",
]

# Given names with rough weights (a higher weight is a commoner name).
JAVANESE_M = [
    "Sutrisno:9",
    "Slamet:9",
    "Suparno:6",
    "Sugiyanto:6",
    "Bambang:7",
    "Joko:6",
    "Budi:9",
    "Agus:10",
    "Eko:7",
    "Hadi:5",
    "Wahyu:6",
    "Teguh:5",
    "Supriyadi:6",
    "Sukardi:4",
    "Mulyono:5",
    "Sumarno:4",
    "Sugeng:5",
    "Purnomo:4",
    "Haryanto:5",
    "Suyanto:4",
    "Darmaji:2",
    "Tukiman:2",
    "Paijo:2",
    "Sarwono:3",
    "Widodo:5",
    "Susilo:4",
    "Santoso:6",
    "Setiawan:6",
    "Prasetyo:6",
    "Nugroho:6",
    "Kurniawan:6",
    "Wibowo:5",
    "Hartono:4",
    "Gunadi:2",
    "Sunarto:4",
    "Suroto:3",
    "Karyono:2",
    "Ngadiman:2",
    "Poniman:2",
    "Sukirno:3",
]
JAVANESE_F = [
    "Suparmi:6",
    "Sri:10",
    "Wahyuni:7",
    "Lestari:7",
    "Sumiati:5",
    "Suyati:4",
    "Sulastri:5",
    "Kartini:4",
    "Rukmini:3",
    "Tukinah:2",
    "Paini:2",
    "Sunarti:4",
    "Ngatini:3",
    "Sutinah:3",
    "Murni:4",
    "Yuliani:5",
    "Endang:5",
    "Tri:6",
    "Dwi:6",
    "Rahayu:6",
    "Ningsih:6",
    "Handayani:5",
    "Purwanti:4",
    "Setyowati:4",
    "Widayati:3",
    "Kustini:2",
    "Suwarni:3",
    "Marsini:2",
    "Sukarti:2",
    "Partini:2",
]
ISLAMIC_M = [
    "Rahman:6",
    "Rahim:4",
    "Aziz:4",
    "Hakim:4",
    "Fauzi:6",
    "Hidayat:7",
    "Rizki:8",
    "Ilham:5",
    "Arif:5",
    "Hasan:6",
    "Husein:4",
    "Ali:6",
    "Umar:4",
    "Yusuf:6",
    "Ibrahim:4",
    "Ismail:4",
    "Syahrul:3",
    "Khairul:4",
    "Zainal:4",
    "Fadli:4",
    "Ridwan:5",
    "Hafiz:3",
    "Irfan:5",
    "Faisal:4",
    "Anwar:4",
    "Amin:4",
    "Saiful:4",
    "Rohman:3",
    "Jamal:3",
    "Nasir:3",
]
ISLAMIC_F = [
    "Aminah:7",
    "Aisyah:7",
    "Fatimah:7",
    "Khadijah:4",
    "Maryam:4",
    "Nurhayati:6",
    "Hidayah:5",
    "Rohmah:4",
    "Zulaikha:3",
    "Halimah:4",
    "Rahmawati:6",
    "Komariah:3",
    "Maimunah:3",
    "Salamah:3",
    "Asiah:3",
    "Nurjanah:5",
    "Syarifah:3",
    "Zainab:4",
    "Hasanah:4",
    "Mardiyah:2",
    "Latifah:4",
    "Musdalifah:2",
    "Jamilah:3",
    "Umi:4",
    "Kulsum:2",
]
MODERN_M = [
    "Aditya:6",
    "Rizky:7",
    "Fajar:6",
    "Andi:7",
    "Dimas:5",
    "Bayu:5",
    "Reza:5",
    "Yoga:4",
    "Dedi:5",
    "Hendra:5",
    "Rudi:6",
    "Doni:4",
    "Yudi:4",
    "Arief:4",
    "Galih:3",
    "Rangga:3",
    "Dani:5",
    "Ferry:3",
    "Hendri:4",
    "Iwan:5",
    "Dicky:3",
    "Randi:3",
    "Yanto:4",
    "Asep:6",
    "Ujang:4",
    "Dadang:4",
    "Cecep:3",
    "Ade:5",
    "Iman:3",
    "Ikhsan:3",
]
MODERN_F = [
    "Putri:7",
    "Dewi:9",
    "Ayu:6",
    "Indah:6",
    "Rina:6",
    "Fitri:7",
    "Wulan:5",
    "Nadia:4",
    "Anisa:6",
    "Intan:5",
    "Ratna:5",
    "Yanti:6",
    "Susanti:6",
    "Novita:4",
    "Eka:5",
    "Mega:4",
    "Citra:4",
    "Siska:3",
    "Lina:4",
    "Desi:5",
    "Maya:4",
    "Rini:5",
    "Tuti:4",
    "Nining:3",
    "Euis:3",
    "Neneng:4",
    "Imas:3",
    "Cucu:2",
    "Yuyun:3",
    "Lilis:4",
]
CHRISTIAN_M = [
    "Yohanes:4",
    "Yosef:3",
    "Petrus:3",
    "Paulus:3",
    "Markus:3",
    "Antonius:3",
    "Fransiskus:3",
    "Stefanus:2",
    "Daniel:4",
    "Samuel:3",
    "Yakob:2",
    "Robert:3",
]
CHRISTIAN_F = [
    "Maria:5",
    "Yohana:3",
    "Elisabeth:3",
    "Agustina:3",
    "Magdalena:3",
    "Theresia:3",
    "Veronika:2",
    "Kristina:3",
    "Debora:2",
    "Ruth:2",
]
SURNAMES_BATAK = [
    "Siregar:6",
    "Nasution:6",
    "Harahap:5",
    "Lubis:5",
    "Simanjuntak:4",
    "Sitompul:3",
    "Hutapea:3",
    "Pardede:3",
    "Simatupang:3",
    "Sinaga:5",
    "Situmorang:4",
    "Panjaitan:4",
    "Tambunan:3",
    "Manurung:3",
    "Sihombing:3",
    "Saragih:3",
    "Purba:3",
    "Ginting:4",
    "Tarigan:3",
    "Sembiring:4",
]
SURNAMES_OTHER = [
    "Wijaya:5",
    "Halim:3",
    "Gunawan:4",
    "Saputra:7",
    "Saputri:5",
    "Pratama:7",
    "Ramadhan:5",
    "Hidayat:5",
    "Firmansyah:5",
    "Maulana:5",
    "Kusuma:4",
    "Permana:4",
    "Sanjaya:4",
    "Syahputra:4",
    "Lubis:2",
    "Pangaribuan:2",
    "Tanjung:3",
    "Chaniago:2",
    "Koto:2",
    "Daeng:2",
    "Pattimura:1",
    "Rumbiak:1",
    "Wenda:1",
]
BALI = ["Wayan", "Made", "Nyoman", "Ketut", "Putu", "Kadek", "Komang", "Gede"]
PLACES = [
    "Jakarta",
    "Surabaya",
    "Bandung",
    "Medan",
    "Semarang",
    "Makassar",
    "Palembang",
    "Yogyakarta",
    "Malang",
    "Solo",
    "Banjarmasin",
    "Pontianak",
    "Padang",
    "Denpasar",
    "Kediri",
    "Blitar",
    "Tegal",
    "Cirebon",
    "Bogor",
    "Garut",
    "Klaten",
    "Boyolali",
    "Magelang",
    "Pati",
    "Kudus",
    "Jember",
    "Banyuwangi",
    "Lamongan",
    "Tuban",
    "Ambon",
    "Kupang",
    "Manado",
    "Jayapura",
    "Sorong",
    "Mataram",
    "Bima",
]

# Old spellings of modern letter groups (DOMAIN.md §8), applied to older people's names.
OLD = [("u", "oe"), ("j", "dj"), ("c", "tj"), ("ny", "nj"), ("sy", "sj"), ("kh", "ch"), ("y", "j")]
MUHAMMAD = [
    "Muhammad",
    "Muhamad",
    "Mohammad",
    "Moh.",
    "M.",
    "Mochammad",
    "Moch.",
    "Muh.",
    "Mohamad",
]
TITLES_M = ["H.", "Drs.", "Ir.", "Bpk."]
TITLES_F = ["Hj.", "Dra.", "Ny.", "Ibu"]
STREETS = [
    "Merdeka",
    "Sudirman",
    "Diponegoro",
    "Pahlawan",
    "Mawar",
    "Melati",
    "Kenanga",
    "Anggrek",
    "Kartini",
    "Veteran",
    "Pemuda",
    "Cendana",
    "Flamboyan",
    "Nangka",
    "Rambutan",
    "Masjid",
    "Pasar",
    "Raya",
    "Kampung",
    "Baru",
    "Sawah",
]


def _weighted(spec: list[str]) -> tuple[list[str], np.ndarray]:
    names, weights = zip(*(item.split(":") for item in spec), strict=True)
    w = np.array([float(x) for x in weights])
    return list(names), w / w.sum()


class Names:
    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.lists = {
            key: _weighted(spec)
            for key, spec in {
                "jm": JAVANESE_M,
                "jf": JAVANESE_F,
                "im": ISLAMIC_M,
                "if": ISLAMIC_F,
                "mm": MODERN_M,
                "mf": MODERN_F,
                "cm": CHRISTIAN_M,
                "cf": CHRISTIAN_F,
                "batak": SURNAMES_BATAK,
                "sur": SURNAMES_OTHER,
            }.items()
        }

    def pick(self, key: str) -> str:
        names, p = self.lists[key]
        return names[self.rng.choice(len(names), p=p)]

    def person(self, male: bool, family_name: str | None) -> str:
        r = self.rng.random()
        s = "m" if male else "f"
        if family_name:  # Batak or other surname families
            first = self.pick(("c" if self.rng.random() < 0.4 else "m") + s)
            middle = self.pick("i" + s) + " " if self.rng.random() < 0.2 else ""
            return f"{first} {middle}{family_name}"
        if r < 0.22:  # Javanese mononym
            return self.pick("j" + s)
        if r < 0.40:  # Javanese two words
            if male:
                return f"{self.pick('jm')} {self.pick('jm')}"
            return f"{self.pick('jf')} {self.pick('jf')}"
        if r < 0.62:  # Muhammad / Siti / Nur / Abdul names
            if male:
                head = self.rng.choice(
                    ["Muhammad", "Muhammad", "Muhammad", "Abdul", "Ahmad", "Nur"]
                )
                tail = self.pick("im")
                extra = " " + self.pick("sur") if self.rng.random() < 0.3 else ""
                return f"{head} {tail}{extra}"
            head = self.rng.choice(["Siti", "Siti", "Siti", "Nur", "Nurul"])
            return f"{head} {self.pick('if')}"
        if r < 0.66:  # Balinese birth-order name
            return f"{self.rng.choice(BALI)} {self.pick('m' + s)}"
        if r < 0.72:  # Christian names
            return f"{self.pick('c' + s)} {self.pick('sur')}"
        # modern Indonesian given name with a second name
        return f"{self.pick('m' + s)} {self.pick('sur' if self.rng.random() < 0.6 else 'm' + s)}"


def _nik(region: str, year: int, month: int, day: int, female: bool, serial: int) -> str:
    dd = day + 40 if female else day
    return f"{region[:6]}{dd:02d}{month:02d}{year % 100:02d}{serial:04d}"


def _village(rng: np.random.Generator, regency: str | None = None) -> str:
    if regency is None:
        province = int(
            rng.choice(
                [
                    11,
                    12,
                    13,
                    14,
                    15,
                    16,
                    17,
                    18,
                    19,
                    21,
                    31,
                    32,
                    33,
                    34,
                    35,
                    36,
                    51,
                    52,
                    53,
                    61,
                    62,
                    63,
                    64,
                    65,
                    71,
                    72,
                    73,
                    74,
                    75,
                    76,
                    81,
                    82,
                    91,
                    92,
                    94,
                    96,
                ],
                p=None,
            )
        )
        kind = rng.random()
        city = int(rng.integers(1, 25)) if kind < 0.8 else int(rng.integers(71, 79))
        regency = f"{province:02d}{city:02d}"
    district = int(rng.integers(1, 25))
    village = (1000 if rng.random() < 0.3 else 2000) + int(rng.integers(1, 30))
    return f"{regency}{district:02d}{village:04d}"


def _dotted(code: str) -> str:
    return f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}"


def _typo(rng: np.random.Generator, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    pos = letters[int(rng.integers(1, len(letters)))]
    kind = rng.random()
    if kind < 0.4:  # substitution by a nearby sound
        swap = {
            "a": "e",
            "e": "a",
            "i": "y",
            "o": "u",
            "u": "o",
            "d": "t",
            "t": "d",
            "b": "p",
            "p": "b",
            "k": "g",
            "g": "k",
            "n": "m",
            "m": "n",
            "s": "z",
            "r": "l",
            "l": "r",
            "h": "",
        }
        c = text[pos].lower()
        new = swap.get(c, c)
        return text[:pos] + (new.upper() if text[pos].isupper() else new) + text[pos + 1 :]
    if kind < 0.7:  # deletion
        return text[:pos] + text[pos + 1 :]
    return text[:pos] + text[pos] + text[pos:]  # doubled letter


def _old_spelling(rng: np.random.Generator, name: str) -> str:
    lower = name.lower()
    for modern, old in OLD:
        if modern in lower and rng.random() < 0.7:
            lower = lower.replace(modern, old)
    return " ".join(w.capitalize() for w in lower.split())


def _variant_name(rng: np.random.Generator, name: str, male: bool, old: bool) -> str:
    words = name.split()
    if words[0] == "Muhammad" and rng.random() < 0.6:
        words[0] = str(rng.choice(MUHAMMAD))
    name = " ".join(words)
    r = rng.random()
    if old and r < 0.5:
        name = _old_spelling(rng, name)
    if rng.random() < 0.12:
        name = _typo(rng, name)
    words = name.split()
    r = rng.random()
    if len(words) > 1 and r < 0.05:
        words = words[1:] if words[0] in {"Siti", "Nur", "Muhammad", "M.", "Moh."} else words[:-1]
    elif len(words) > 1 and r < 0.07:
        words = [words[-1], *words[:-1]]
    elif len(words) > 1 and r < 0.09:
        words[0] = words[0][0] + "."
    name = " ".join(words)
    if rng.random() < 0.05:
        name = f"{rng.choice(TITLES_M if male else TITLES_F)} {name}"
    if rng.random() < 0.3:
        name = name.upper()
    return name


def generate(persons: int, seed: int = 1) -> list[dict]:
    """Returns the records of a population of `persons` people, each with a cluster_id."""
    rng = np.random.default_rng(seed)
    names = Names(rng)
    records: list[dict] = []
    used_niks: set[str] = set()
    person = 0
    kk_serial = 0
    while person < persons:
        # One family: a mother, her children (and so shared KK, address, mother's name).
        kk_serial += 1
        home = _village(rng)
        kk = f"{home[:6]}{int(rng.integers(1, 28)):02d}{int(rng.integers(1, 12)):02d}{int(rng.integers(0, 99)):02d}{kk_serial % 10000:04d}"
        address = f"Jl. {rng.choice(STREETS)} No. {int(rng.integers(1, 200))} RT {int(rng.integers(1, 15)):02d}/RW {int(rng.integers(1, 10)):02d}"
        mother = names.person(False, None)
        family_name = None
        if rng.random() < 0.08:
            family_name = names.pick("batak")
        size = int(rng.choice([1, 2, 3, 4, 5], p=[0.35, 0.25, 0.2, 0.12, 0.08]))
        base_year = int(rng.integers(1940, 2018))
        twins = rng.random() < 0.02 and size >= 2
        birth_place = str(rng.choice(PLACES))
        given: set[str] = set()
        prev = (0, 0, 0)
        for child in range(size):
            if person >= persons:
                break
            male = bool(rng.random() < 0.5)
            name = names.person(male, family_name)
            while name in given:  # parents do not give two children one name
                name = names.person(male, family_name)
            given.add(name)
            year = min(base_year + 2 * child + int(rng.integers(0, 2)), 2024)
            month, day = int(rng.integers(1, 13)), int(rng.integers(1, 29))
            if twins and child == 1:
                year, month, day = prev
            prev = (year, month, day)
            serial = int(rng.integers(1, 3000))
            nik = _nik(home, year, month, day, not male, serial)
            while nik in used_niks:
                serial = int(rng.integers(1, 9999))
                nik = _nik(home, year, month, day, not male, serial)
            used_niks.add(nik)
            phone = f"08{int(rng.integers(11, 99))}{int(rng.integers(10_000_000, 99_999_999))}"
            true = {
                "name": name,
                "male": male,
                "date": (year, month, day),
                "nik": nik,
                "kk": kk,
                "village": home,
                "address": address,
                "mother": mother,
                "phone": phone,
                "birth_place": birth_place,
                "old": year < 1975,
            }
            copies = int(rng.choice([1, 2, 3, 4, 5], p=[0.6, 0.2, 0.12, 0.05, 0.03]))
            for copy in range(copies):
                records.append(_record(rng, true, person, first=copy == 0))
            person += 1
    order = rng.permutation(len(records))
    out = []
    for position, index in enumerate(order):
        record = records[index]
        record["record_id"] = f"R{position + 1:07d}"
        out.append(record)
    return out


def _record(rng: np.random.Generator, t: dict, cluster: int, first: bool) -> dict:
    noisy = not first
    year, month, day = t["date"]
    name = t["name"]
    if t["old"] and rng.random() < 0.3:
        name = _old_spelling(rng, name)  # older people often still write the old spelling
    if noisy:
        name = _variant_name(rng, t["name"], t["male"], t["old"])
    elif rng.random() < 0.2:
        name = name.upper()
    # NIK: missing in 30 % of copies (10 % of first records), a typo in 5 %.
    nik = t["nik"]
    r = rng.random()
    if r < (0.30 if noisy else 0.10):
        nik = ""
    elif noisy and r < 0.335:
        pos = int(rng.integers(0, 16))
        nik = nik[:pos] + str((int(nik[pos]) + int(rng.integers(1, 10))) % 10) + nik[pos + 1 :]
    elif noisy and r < 0.35:
        pos = int(rng.integers(6, 15))
        nik = nik[:pos] + nik[pos + 1] + nik[pos] + nik[pos + 2 :]
    # Birth date: swapped, one part wrong, year only, missing.
    date = f"{day:02d}-{month:02d}-{year}"
    r = rng.random()
    if noisy and r < 0.03 and day <= 12:
        date = f"{month:02d}-{day:02d}-{year}"
    elif noisy and r < 0.08:
        part = rng.random()
        if part < 0.4:
            date = f"{int(rng.integers(1, 29)):02d}-{month:02d}-{year}"
        elif part < 0.7:
            date = f"{day:02d}-{int(rng.integers(1, 13)):02d}-{year}"
        else:
            date = f"{day:02d}-{month:02d}-{year + int(rng.choice([-1, 1]))}"
    elif noisy and r < 0.11:
        date = str(year)
    elif r < 0.13:
        date = ""
    # A move: 15 % of copies live elsewhere now.
    village, address = t["village"], t["address"]
    if noisy and rng.random() < 0.15:
        village = _village(rng, None if rng.random() < 0.5 else village[:4])
        address = f"Jl. {rng.choice(STREETS)} No. {int(rng.integers(1, 200))}"
    elif noisy and rng.random() < 0.3:
        address = address.replace("Jl.", "Jalan").replace("No. ", "")
    if rng.random() < 0.05:
        village = ""
    if rng.random() < 0.1:
        address = ""
    sex = "L" if t["male"] else "P"
    if rng.random() < 0.03:
        sex = ""
    kk = t["kk"] if rng.random() < 0.7 else ""
    mother = t["mother"] if rng.random() < 0.5 else ""
    if mother and noisy and rng.random() < 0.2:
        mother = _typo(rng, mother)
    phone = t["phone"] if rng.random() < 0.4 else ""
    if phone and rng.random() < 0.3:
        phone = "+62" + phone[1:]
    place = t["birth_place"] if rng.random() < 0.6 else ""
    return {
        "record_id": "",
        "cluster_id": f"P{cluster + 1:07d}",
        "full_name": name,
        "birth_date": date,
        "sex": sex,
        "nik": nik,
        "no_kk": kk,
        "village_code": _dotted(village) if village else "",
        "address": address,
        "mother_name": mother,
        "phone": phone,
        "birth_place": place,
    }


def persons_for(records: int) -> int:
    """Returns how many people give about `records` records (1.71 records per person)."""
    return max(1, round(records / 1.71))


def write_csv(records: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(records)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="about this many records")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    records = generate(persons_for(args.records), seed=args.seed)
    write_csv(records, args.output)
    print(
        f"{len(records)} records of {persons_for(args.records)} people → {args.output}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
