"""Indonesian personal names for the demo data, by region, generation and sex.

Faker's id_ID lists give the modern, pan-Indonesian names; the lists below add what a registry
of social-rehabilitation beneficiaries actually holds: Javanese one-word names of older people,
Sundanese, Batak, Minang, Balinese, Bugis, Minahasa, Maluku, Nusa Tenggara and Papuan names,
the many ways of writing Muhammad, Siti and Nur, bin/binti, and the pre-1972 spelling
(Soeharto, Djoko, Tjahjadi) that older people keep on their documents.
"""

import random

from faker.providers.person.id_ID import Provider as _Faker


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


FAKER_MALE = tuple(_Faker.first_names_male)
FAKER_FEMALE = tuple(_Faker.first_names_female)
FAKER_LAST_MALE = tuple(_Faker.last_names_male)
FAKER_LAST_FEMALE = tuple(_Faker.last_names_female)

# Javanese names, mostly one word, common among people born before the 1980s.
JAVANESE_OLD_MALE = _names(
    """
    Sutrisno, Suparman, Slamet, Paijo, Wagiman, Sukirno, Sumarno, Tukiman, Sugiyono, Parjo,
    Karto, Kasiman, Suyatno, Sarjono, Mulyono, Subagyo, Sudarsono, Suharto, Sukarno,
    Poniman, Ngadiman, Rusdi, Supriyadi, Wiryo, Sastro, Darmo, Joko, Jumadi, Legiman,
    Painem, Sunarto, Sumadi, Tarjo, Karyo, Wakijo, Suwarno, Harjono, Yatno, Sudiro, Marno,
    Tumino, Kliwon, Paimin, Samingan, Sukardi, Sukijan, Cipto, Suratman, Rejo, Mujiono
    """
)
JAVANESE_OLD_FEMALE = _names(
    """
    Sumiyati, Tukinem, Wagiyem, Painah, Suparmi, Sulastri, Sumini, Ngatini, Juminten,
    Sukinah, Sarinah, Tumirah, Karsinah, Partini, Rubiyah, Kasiyem, Sumarni, Suyatmi,
    Waginah, Marsinah, Suwarni, Jumirah, Tuminah, Warsini, Rukmini, Sukarti, Sutinah,
    Poniyem, Sainem, Ngadinah, Mujiyem, Legini, Sriyati, Darmi, Juwariyah, Lasmi, Sumirah,
    Paikem, Kasmini, Cahyati
    """
)
JAVANESE_SURNAMES = _names(
    """
    Wibowo, Santoso, Susilo, Prasetyo, Nugroho, Setiawan, Wijaya, Purnomo, Hartono,
    Sutanto, Raharjo, Suryono, Kusumo, Handoko, Priyanto, Saputro, Widodo, Hidayat,
    Gunawan, Cahyono, Sulistyo, Purwanto, Haryono, Suwito
    """
)
SUNDANESE_MALE = _names(
    """
    Asep, Ujang, Dede, Cecep, Dadang, Endang, Ade, Aceng, Engkus, Iwan, Jajang, Yayan, Ayi,
    Deden, Wawan, Mamat, Ujang, Oman, Nana, Odih, Kurnia, Rudi, Dodi, Entis, Yadi, Agus,
    Ikin, Encep, Yusuf, Dedi
    """
)
SUNDANESE_FEMALE = _names(
    """
    Euis, Iis, Neneng, Entin, Imas, Enok, Cucu, Nining, Eti, Yuyun, Lilis, Ai, Nia, Tati,
    Enung, Nenden, Elis, Wiwin, Ida, Titin, Nunung, Rina, Yeni, Dewi, Siti, Neng, Ratna,
    Ani, Cicih, Oneng
    """
)
SUNDANESE_SURNAMES = _names(
    """
    Suhendar, Kurniawan, Sopian, Rahmat, Hidayat, Sutisna, Sudrajat, Supriatna, Permana,
    Setiadi, Ruhiyat, Komarudin, Mulyana, Sunarya, Nurdin, Suryana, Kusnadi, Saepudin,
    Jaelani, Hermawan, Rustandi, Kosasih, Maryani, Nurhayati
    """
)
ISLAMIC_MALE = _names(
    """
    Ahmad, Abdul Rahman, Abdullah, Hasan, Husein, Ali, Umar, Usman, Yusuf, Ibrahim, Ismail,
    Ilham, Rizki, Fauzi, Hamzah, Zainal, Syamsul, Arifin, Nurdin, Saiful, Syaiful, Khairul,
    Abdul Karim, Abdul Aziz, Faisal, Ridwan, Zulkifli, Hanafi, Anwar, Rahmat, Hidayat,
    Taufik, Sulaiman, Harun, Daud, Amir, Mahmud, Fikri, Irfan, Nasir, Kholil, Subhan,
    Salim, Jafar
    """
)
ISLAMIC_FEMALE = _names(
    """
    Aminah, Fatimah, Khadijah, Aisyah, Maryam, Zainab, Nurhayati, Nurjanah, Rohani,
    Rahmawati, Halimah, Salmah, Maimunah, Khotimah, Jamilah, Rukayah, Zubaidah, Hafsah,
    Nurul, Fitri, Rahma, Hasanah, Sholihah, Umi Kalsum, Hamidah, Saodah, Masitah, Syarifah,
    Mardiyah, Latifah, Nafisah, Fadilah
    """
)
BATAK_MARGA = _names(
    """
    Siregar, Nasution, Harahap, Lubis, Simanjuntak, Sitompul, Hutagalung, Panjaitan,
    Situmorang, Sinaga, Simatupang, Pardede, Sihombing, Manurung, Tampubolon, Hutapea,
    Silalahi, Sitorus, Pasaribu, Napitupulu, Ginting, Tarigan, Sembiring, Purba, Damanik,
    Saragih, Marpaung, Butar-butar
    """
)
CHRISTIAN_MALE = _names(
    """
    Yohanes, Petrus, Paulus, Markus, Yosep, Fransiskus, Agustinus, Stefanus, Daniel,
    Samuel, Yakobus, Timotius, Benediktus, Gregorius, Natanael, Yonathan, Roberto, Hendrik,
    Alfons, Melkianus, Yulius, Kornelis, Simon, Lukas, Matius, Elias, Obed, Yeremia,
    Marthen, Frans
    """
)
CHRISTIAN_FEMALE = _names(
    """
    Maria, Magdalena, Yohana, Elisabeth, Agustina, Kristina, Veronika, Theresia, Marta,
    Debora, Ester, Rut, Yuliana, Fransiska, Yosefina, Margaretha, Katarina, Lusia, Regina,
    Rosalina, Oktaviana, Sarlota, Bernadeta, Anastasia
    """
)
MINANG_SURNAMES = _names(
    """
    Chaniago, Piliang, Tanjung, Koto, Sikumbang, Jambak, Melayu, Caniago, Rangkuti, Syafei,
    Rasyid, Hatta, Datuk, Sutan, Idris, Nasrul
    """
)
BALINESE_MALE_PREFIX = _names(
    "I Wayan, I Made, I Nyoman, I Ketut, I Putu, I Kadek, I Komang, I Gede"
)
BALINESE_FEMALE_PREFIX = _names(
    "Ni Wayan, Ni Made, Ni Nyoman, Ni Ketut, Ni Putu, Ni Kadek, Ni Komang, Ni Luh"
)
BALINESE_NAMES = _names(
    """
    Sudarma, Suarta, Artawan, Sukerta, Wirawan, Astawa, Mertayasa, Budiasa, Sumerta,
    Suparta, Widiasih, Sriasih, Sukarini, Ariani, Wahyuni, Sudiani, Ardana, Darmawan,
    Juliantara, Kartika, Mahendra, Parwati, Suwitri, Yasa
    """
)
BUGIS_MALE = _names(
    """
    Andi Baso, Andi Muh. Akbar, Andi Tenri, La Ode Abdul, Baharuddin, Syamsuddin,
    Ambo Dalle, Ambo Tang, Sainuddin, Najamuddin, Jamaluddin, Haeruddin, Kamaruddin,
    Zainuddin, Nasaruddin, Daeng Nai, Daeng Tompo, Sultan, Mappa
    """
)
BUGIS_FEMALE = _names(
    """
    Andi Tenri Ajeng, Andi Nurhaedah, Hasnah, Hasniah, Nurmiati, Rosmini, Sitti,
    Sitti Aminah, Nurbaya, Hasmawati, Darmawati, Megawati, Ramlah, Hadijah, Suriani,
    Kasmawati, Nurhaeda, Murniati, Bungawali, Daeng Ngai
    """
)
BUGIS_SURNAMES = _names(
    """
    Daeng Mile, Daeng Sikki, Rahman, Latif, Mappangara, Pawellangi, Massa, Tahir, Sanusi,
    Arsyad, Saleh, Hamid, Ramli, Hafid, Haris, Mallarangeng
    """
)
MINAHASA_SURNAMES = _names(
    """
    Sumampouw, Lumentut, Mandagi, Pangemanan, Wowor, Rumengan, Lengkong, Tumbelaka, Kalalo,
    Sondakh, Rondonuwu, Kaunang, Mamahit, Sumolang, Tangkilisan, Pontoh, Karamoy, Wenas,
    Tambuwun, Supit
    """
)
MALUKU_SURNAMES = _names(
    """
    Latuconsina, Pattinasarany, Tuhumury, Pattikawa, Sahetapy, Tuanakotta, Ohorella,
    Wattimena, Matulessy, Sopacua, Lewerissa, Soselisa, Tomasoa, Marasabessy, Tuasikal,
    Pelupessy
    """
)
NTT_SURNAMES = _names(
    """
    Ndun, Fanggidae, Manafe, Nenobais, Bire, Lay, Pah, Tefa, Benu, Kase, Nope, Bait, Sabu,
    Dethan, Tamonob, Kolo, Laka, Riwu, Loak, Selan
    """
)
PAPUA_SURNAMES = _names(
    """
    Wenda, Kogoya, Tabuni, Rumbiak, Mandowen, Yikwa, Wonda, Murib, Karoba, Wanimbo, Kossay,
    Mirin, Yoman, Rumaropen, Ayomi, Wanggai, Sanggenafa, Korwa, Krey, Mofu, Yarangga,
    Pigai, Gobay, Douw, Tebay, Mote
    """
)
SASAK_MALE_PREFIX = ("Lalu", "Lalu", "")
SASAK_FEMALE_PREFIX = ("Baiq", "Baiq", "")
ACEH_MALE_PREFIX = ("Teuku", "", "", "")
ACEH_FEMALE_PREFIX = ("Cut", "", "", "")
BANJAR_SURNAMES = _names(
    """
    Noor, Syahrani, Ramli, Hamdan, Norhasanah, Aini, Rusdiansyah, Effendi, Saberan,
    Jumberi, Arbain, Masrani, Rusmadi, Mahyuni, Fahriansyah, Anang
    """
)
MALAY_SURNAMES = _names(
    """
    Syahputra, Hasibuan, Effendi, Azhar, Saputra, Yusuf, Mahmud, Harun, Kasim, Idris,
    Rosli, Zainuddin, Hamid, Nasrun, Jamil, Rasyid
    """
)
# Muhammad and its written forms, as found on KTP and KK (DOMAIN.md §8).
MUHAMMAD = _names("Muhammad, Muhammad, Muhamad, Mohammad, Mohamad, Moh., M., Mochamad, Muh.")
SITI = ("Siti", "Siti", "Siti", "Sitti", "Sity")
NUR = ("Nur", "Nurul", "Nor")
NICKNAMES = _names(
    """
    Udin, Ucok, Kribo, Gondrong, Item, Ucup, Entong, Ipul, Adi, Nunu, Iyan, Bule, Tole,
    Gendut, Kecil, Ujang, Butet, Nyoman, Nonik, Cici
    """
)

# Naming style by province code: who lives where shapes the names a sentra registers.
STYLE_BY_PROVINCE = {
    "11": "aceh",
    "12": "batak",
    "13": "minang",
    "14": "malay",
    "15": "malay",
    "16": "malay",
    "17": "malay",
    "18": "javanese",
    "19": "malay",
    "21": "malay",
    "31": "jakarta",
    "32": "sundanese",
    "33": "javanese",
    "34": "javanese",
    "35": "javanese",
    "36": "sundanese",
    "51": "balinese",
    "52": "sasak",
    "53": "ntt",
    "61": "banjar",
    "62": "banjar",
    "63": "banjar",
    "64": "banjar",
    "65": "banjar",
    "71": "minahasa",
    "72": "bugis",
    "73": "bugis",
    "74": "bugis",
    "75": "bugis",
    "76": "bugis",
    "81": "maluku",
    "82": "maluku",
    "91": "papua",
    "92": "papua",
    "93": "papua",
    "94": "papua",
    "95": "papua",
    "96": "papua",
}


def _pick(rng: random.Random, *lists: tuple[str, ...]) -> str:
    """Picks a list (each as likely, whatever its length), then a name from it."""
    lists = tuple(names for names in lists if names)
    return rng.choice(lists[rng.randrange(len(lists))])


def _islamic_given(rng: random.Random, sex: str, local_male, local_female) -> str:
    if sex == "L":
        if rng.random() < 0.18:
            return f"{rng.choice(MUHAMMAD)} {_pick(rng, ISLAMIC_MALE, FAKER_MALE, local_male)}"
        return _pick(rng, ISLAMIC_MALE, FAKER_MALE, local_male)
    roll = rng.random()
    if roll < 0.14:
        return f"{rng.choice(SITI)} {_pick(rng, ISLAMIC_FEMALE, FAKER_FEMALE, local_female)}"
    if roll < 0.20:
        return f"{rng.choice(NUR)} {_pick(rng, ISLAMIC_FEMALE, FAKER_FEMALE)}"
    return _pick(rng, ISLAMIC_FEMALE, FAKER_FEMALE, local_female)


def _with_father(rng: random.Random, name: str, sex: str, share: float) -> str:
    """Adds "bin/binti <father>" to a share of names (common in Aceh, Malay and Bugis regions)."""
    if rng.random() >= share:
        return name
    father = _pick(rng, ISLAMIC_MALE, JAVANESE_OLD_MALE)
    return f"{name} {'bin' if sex == 'L' else 'binti'} {father}"


def person_name(rng: random.Random, *, province: str, sex: str, birth_year: int) -> str:
    """Returns a believable full name for someone born in `birth_year` in `province`."""
    style = STYLE_BY_PROVINCE.get(province, "jakarta")
    if style == "jakarta":
        style = rng.choice(("javanese", "sundanese", "modern", "modern", "batak", "bugis"))
    old = birth_year < 1975
    male = sex == "L"
    if style == "javanese":
        if old and rng.random() < 0.6:
            name = rng.choice(JAVANESE_OLD_MALE if male else JAVANESE_OLD_FEMALE)  # one name only
        elif rng.random() < 0.35:
            name = _islamic_given(rng, sex, JAVANESE_OLD_MALE, JAVANESE_OLD_FEMALE)
            if rng.random() < 0.5:
                name += " " + rng.choice(JAVANESE_SURNAMES)
        else:
            given = rng.choice(FAKER_MALE if male else FAKER_FEMALE)
            name = f"{given} {rng.choice(JAVANESE_SURNAMES if male else FAKER_LAST_FEMALE)}"
    elif style == "sundanese":
        given = rng.choice(SUNDANESE_MALE if male else SUNDANESE_FEMALE)
        if rng.random() < 0.3:
            given = _islamic_given(rng, sex, SUNDANESE_MALE, SUNDANESE_FEMALE)
        name = f"{given} {rng.choice(SUNDANESE_SURNAMES)}" if rng.random() < 0.75 else given
    elif style == "batak":
        given = (
            _pick(rng, CHRISTIAN_MALE, FAKER_MALE)
            if male
            else _pick(rng, CHRISTIAN_FEMALE, FAKER_FEMALE)
        )
        if rng.random() < 0.3:
            given = _islamic_given(rng, sex, (), ())
        name = f"{given} {rng.choice(BATAK_MARGA)}"
    elif style == "minang":
        given = _islamic_given(rng, sex, FAKER_MALE, FAKER_FEMALE)
        name = f"{given} {rng.choice(MINANG_SURNAMES)}" if rng.random() < 0.5 else given
    elif style == "aceh":
        prefix = rng.choice(ACEH_MALE_PREFIX if male else ACEH_FEMALE_PREFIX)
        name = _with_father(rng, _islamic_given(rng, sex, (), ()), sex, 0.25)
        name = f"{prefix} {name}".strip()
    elif style == "malay":
        name = _islamic_given(rng, sex, FAKER_MALE, FAKER_FEMALE)
        if rng.random() < 0.5:
            name += " " + rng.choice(MALAY_SURNAMES)
        name = _with_father(rng, name, sex, 0.12)
    elif style == "banjar":
        name = _islamic_given(rng, sex, FAKER_MALE, FAKER_FEMALE)
        if rng.random() < 0.6:
            name += " " + rng.choice(BANJAR_SURNAMES)
    elif style == "balinese":
        prefix = rng.choice(BALINESE_MALE_PREFIX if male else BALINESE_FEMALE_PREFIX)
        name = f"{prefix} {rng.choice(BALINESE_NAMES)}"
    elif style == "sasak":
        prefix = rng.choice(SASAK_MALE_PREFIX if male else SASAK_FEMALE_PREFIX)
        name = f"{prefix} {_islamic_given(rng, sex, FAKER_MALE, FAKER_FEMALE)}".strip()
    elif style == "bugis":
        given = rng.choice(BUGIS_MALE if male else BUGIS_FEMALE)
        if rng.random() < 0.4:
            given = _islamic_given(rng, sex, BUGIS_MALE, BUGIS_FEMALE)
        name = f"{given} {rng.choice(BUGIS_SURNAMES)}" if rng.random() < 0.6 else given
        name = _with_father(rng, name, sex, 0.08)
    elif style == "minahasa":
        given = (
            _pick(rng, CHRISTIAN_MALE, FAKER_MALE)
            if male
            else _pick(rng, CHRISTIAN_FEMALE, FAKER_FEMALE)
        )
        name = f"{given} {rng.choice(MINAHASA_SURNAMES)}"
    elif style == "maluku":
        if rng.random() < 0.5:
            given = rng.choice(CHRISTIAN_MALE if male else CHRISTIAN_FEMALE)
        else:
            given = _islamic_given(rng, sex, (), ())
        name = f"{given} {rng.choice(MALUKU_SURNAMES)}"
    elif style == "ntt":
        given = rng.choice(CHRISTIAN_MALE if male else CHRISTIAN_FEMALE)
        name = f"{given} {rng.choice(NTT_SURNAMES)}"
    elif style == "papua":
        given = rng.choice(CHRISTIAN_MALE if male else CHRISTIAN_FEMALE)
        name = f"{given} {rng.choice(PAPUA_SURNAMES)}"
    else:  # modern, pan-Indonesian
        given = rng.choice(FAKER_MALE if male else FAKER_FEMALE)
        if rng.random() < 0.3:
            given += " " + rng.choice(FAKER_MALE if male else FAKER_FEMALE)
        name = f"{given} {rng.choice(FAKER_LAST_MALE if male else FAKER_LAST_FEMALE)}"
    if birth_year < 1972 and rng.random() < 0.45:
        name = old_spelling(name)
    return name


def old_spelling(name: str) -> str:
    """Writes a name in the pre-1972 spelling: j→dj, y→j, c→tj, kh→ch, u→oe (so ny→nj, sy→sj)."""
    out = []
    for word in name.split(" "):
        if word.endswith("."):  # an abbreviation (Moh., M.) stays as written
            out.append(word)
            continue
        old = word.lower()
        for modern, before_1972 in (
            ("j", "dj"),
            ("y", "j"),
            ("c", "tj"),
            ("kh", "ch"),
            ("u", "oe"),
        ):
            old = old.replace(modern, before_1972)
        out.append(old[:1].upper() + old[1:])
    return " ".join(out)


def spelling_variant(rng: random.Random, name: str) -> str:
    """Returns the same name written differently, as a second registration would (never equal)."""
    words = name.split(" ")
    variants = [
        old_spelling(name),
        typo(rng, name),
        name.upper(),  # copied from a KTP, in capitals
        " ".join(
            rng.choice([m for m in MUHAMMAD if m != w]) if w in MUHAMMAD else w for w in words
        ),
        " ".join(w for w in words if w not in ("bin", "binti")),
        " ".join(words[:2]) if len(words) > 2 else typo(rng, name),  # a name cut short
    ]
    rng.shuffle(variants)
    for variant in variants:
        if variant != name and variant.lower() != name.lower() or variant == name.upper() != name:
            return variant
    return name + "h" if not name.endswith("h") else name[:-1]


# Consonants that are misheard or sit next to each other on the keyboard.
_CONSONANT_SLIPS = {
    "m": "n", "n": "m", "b": "p", "p": "b", "d": "t", "t": "d", "g": "k", "k": "g",
    "r": "l", "l": "r", "s": "z", "f": "p", "v": "f", "j": "y", "w": "u",
}  # fmt: skip


def typo(rng: random.Random, name: str) -> str:
    """Returns the name with one slip of the keyboard or of the ear.

    A doubled, dropped or swapped letter, a vowel heard differently (Suparno → Suparna) or a
    consonant heard or typed differently (Sumarni → Sunarni).
    """
    positions = [i for i, c in enumerate(name) if c.isalpha() and i > 0]
    if not positions:
        return name
    i = rng.choice(positions)
    kind = rng.randrange(5)
    if kind == 0:  # doubled letter: Suparno → Supparno
        return name[:i] + name[i] + name[i:]
    if kind == 1 and len(positions) > 3:  # dropped letter
        return name[:i] + name[i + 1 :]
    if kind == 2 and i + 1 < len(name) and name[i + 1].isalpha():  # swapped letters
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    letter = name[i].lower()
    vowels = "aiueo"
    if letter in vowels:
        return name[:i] + rng.choice([v for v in vowels if v != letter]) + name[i + 1 :]
    if kind == 4 and letter in _CONSONANT_SLIPS:
        return name[:i] + _CONSONANT_SLIPS[letter] + name[i + 1 :]
    return name[:i] + name[i] + name[i:]
