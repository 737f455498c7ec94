"""The hand-drawn plan of the fictitious demo region "Maarhorn (fictief)".

Everything here is invented: the gemeente, its town and villages, street names,
postcodes and codes. Codes use gemeente number 9901 (no real CBS gemeente has it);
the PC4 numbers are 99xx numbers that do not occur in the CBS postcode tables of 2021.
"""

from __future__ import annotations

from dataclasses import dataclass

GEMEENTE_CODE = "GM9901"
GEMEENTE_NAAM = "Maarhorn (fictief)"
GM = "9901"
FICTIEF_NOTE = "fictief demogebied; geen echte adressen, gebieden of personen"

#: Centre of the gemeente (RD New, metres) and its half-axes.
CENTRE = (250_000.0, 592_500.0)
RADII = (10_500.0, 8_500.0)

#: Typology: (frontage m, setback m, default bouwjaar spread).
TYPOLOGY = {
    "arbeiderswoning": (5.5, 6.0, 0),
    "rijwoning": (6.0, 8.0, 0),
    "twee_onder_een_kap": (9.0, 10.0, 0),
    "vrijstaand": (16.0, 12.0, 12),
    "portiekflat": (30.0, 15.0, 0),
    "galerijflat": (70.0, 18.0, 0),
    "boerderij": (40.0, 25.0, 20),
}

#: Large galerijflats (addresses) that exercise the "groot_pand" rule.
HOOGBOUW = (164, 188, 212)


@dataclass(frozen=True)
class Street:
    """A street with houses on both sides; one typology and era along its length."""

    naam: str
    typologie: str
    bouwjaar: int
    plant: str | None = None  # a planted inequality situation, see demo_status
    mix: str | None = None  # a second typology, alternating pand by pand with the first


@dataclass(frozen=True)
class Grid:
    """A rectangular street grid; horizontal street j lies at v = -H/2 + j*bh."""

    offset: tuple[float, float]  # centre relative to the gemeente centre, metres
    block: tuple[float, float]  # block width (along streets) and depth, metres
    nx: int
    angle: float  # radians
    streets: tuple[Street, ...]
    buurten: tuple[str, ...]  # buurt names, row by row of the split below
    split: tuple[int, int] = (1, 1)  # blocks split into (columns, rows) parts, one buurt each

    @property
    def ny(self) -> int:
        return len(self.streets) - 1


@dataclass(frozen=True)
class Settlement:
    """A woonplaats: the town (several districts) or a village (one grid)."""

    naam: str
    pc4: tuple[str, ...]  # one per grid; the last extra one (town) for the countryside
    grids: tuple[Grid, ...]
    wijken: tuple[str, ...]  # wijk names per grid (town) or the village name
    p50: float  # share of P50 addresses (before typology weighting)
    p90: float
    dekking: float  # chance that a street without P50/P90 is still taken into the programme
    voortgang: float  # mean phase index of the programme (0 = 1.2 … 7 = gereed)


def _s(*items: tuple) -> tuple[Street, ...]:
    return tuple(Street(*it) for it in items)


TOWN = Settlement(
    naam="Maarhorn",
    pc4=("9900", "9910", "9916", "9920", "9926"),
    wijken=("Centrum", "Noord", "Zuid", "West"),
    grids=(
        Grid(
            (-1500.0, 0.0), (110.0, 70.0), 10, 0.0,
            _s(
                ("Stationsstraat", "rijwoning", 1931),
                ("Molenstraat", "arbeiderswoning", 1908),
                ("Kerkstraat", "arbeiderswoning", 1896),
                ("Heerestraat", "vrijstaand", 1887),
                ("Havenstraat", "arbeiderswoning", 1915, "batches"),
                ("Nieuwe Markt", "portiekflat", 1959),
                ("Wilhelminastraat", "rijwoning", 1925),
            ),
            ("Kerkbuurt", "Havenkwartier"), (2, 1),
        ),
        Grid(
            (-1500.0, 980.0), (140.0, 90.0), 12, 0.06,
            _s(
                # bottom half: galerijflats of one era; top half: rijwoningen of the same era, so
                # that the buurten differ but each is alike inside (planning level: buurt)
                ("Merelstraat", "galerijflat", 1966),
                ("Lijsterstraat", "galerijflat", 1967),
                ("Spreeuwstraat", "galerijflat", 1969),
                ("Kievitlaan", "galerijflat", 1968, "hoogbouw"),
                ("Reigerstraat", "galerijflat", 1970, "flat_verschil"),
                ("Zwaluwstraat", "rijwoning", 1966),
                ("Vinkenstraat", "rijwoning", 1967),
                ("Meeuwenlaan", "rijwoning", 1968),
                ("Valkenlaan", "rijwoning", 1970),
                ("Kraaienstraat", "rijwoning", 1971),
            ),
            ("Merelbuurt", "Lijsterbuurt", "Kievitbuurt", "Valkenbuurt"), (2, 2),
        ),
        Grid(
            (-1400.0, -940.0), (130.0, 80.0), 12, -0.05,
            _s(
                # a post-war wijk of identical rijwoningen (planning level: wijk)
                ("Rozenstraat", "rijwoning", 1956),
                ("Tulpstraat", "rijwoning", 1956),
                ("Lelielaan", "rijwoning", 1957),
                ("Dahliastraat", "rijwoning", 1957),
                ("Irisstraat", "rijwoning", 1958),
                ("Seringenlaan", "rijwoning", 1958),
                ("Anjerstraat", "rijwoning", 1959),
                ("Klaverstraat", "rijwoning", 1959),
                ("Hyacintlaan", "rijwoning", 1960),
                ("Goudsbloemstraat", "rijwoning", 1960),
            ),
            ("Rozenbuurt", "Dahliabuurt", "Irisbuurt", "Hyacintbuurt"), (2, 2),
        ),
        Grid(
            (-3000.0, -80.0), (150.0, 100.0), 6, 0.12,
            _s(
                ("Eikenlaan", "vrijstaand", 1996),
                ("Beukenlaan", "twee_onder_een_kap", 1998),
                ("Berkenstraat", "rijwoning", 2001),
                ("Essenlaan", "twee_onder_een_kap", 2004),
                ("Lindelaan", "vrijstaand", 2007),
                ("Iepenstraat", "rijwoning", 2010),
                ("Wilgenlaan", "vrijstaand", 2013),
                ("Elzenlaan", "twee_onder_een_kap", 2016),
            ),
            ("Bomenbuurt-Zuid", "Bomenbuurt-Noord"), (1, 2),
        ),
    ),
    p50=0.12, p90=0.14, dekking=0.22, voortgang=3.6,
)


def _village(naam, pc4, offset, nx, angle, streets, *, p50, p90, dekking, voortgang, block=(100.0, 70.0)):
    return Settlement(
        naam=naam,
        pc4=(pc4,),
        wijken=(naam,),
        grids=(Grid(offset, block, nx, angle, _s(*streets), (naam,)),),
        p50=p50, p90=p90, dekking=dekking, voortgang=voortgang,
    )


VILLAGES = (
    _village(
        "Harkezijl", "9927", (6500.0, 3800.0), 8, 0.3,
        [("Zijlvest", "arbeiderswoning", 1905), ("Dorpsstraat", "arbeiderswoning", 1912),
         ("Schoolstraat", "rijwoning", 1958), ("Pastorielaan", "vrijstaand", 1930),
         ("Burgemeester Tammingalaan", "twee_onder_een_kap", 1974), ("Wadlaan", "rijwoning", 1981)],
        p50=0.62, p90=0.2, dekking=0.5, voortgang=5.2,
    ),
    _village(
        "Heemwierum", "9928", (3000.0, 5200.0), 9, -0.2,
        [("Wierde", "arbeiderswoning", 1899), ("Kerkpad", "arbeiderswoning", 1910),
         ("Dorpsstraat", "vrijstaand", 1925), ("Molenweg", "rijwoning", 1956),
         ("Nieuwstraat", "rijwoning", 1962), ("Oosterweg", "twee_onder_een_kap", 1971),
         ("Kapelstraat", "rijwoning", 1978)],
        p50=0.97, p90=0.02, dekking=0.8, voortgang=4.4,
    ),
    _village(
        "Wolderum", "9929", (7500.0, -1000.0), 8, 0.1,
        [("Hoofdstraat", "arbeiderswoning", 1903), ("Achterstraat", "arbeiderswoning", 1909), ("Zijlstraat", "rijwoning", 1962, "zijde"),
         ("Kerkstraat", "vrijstaand", 1921), ("Meedenlaan", "rijwoning", 1968),
         ("Vennenlaan", "twee_onder_een_kap", 1978)],
        p50=0.45, p90=0.2, dekking=0.3, voortgang=3.0,
    ),
    _village(
        "Spijkmeer", "9930", (5000.0, -4500.0), 7, -0.35,
        [("Meerweg", "arbeiderswoning", 1911), ("Meedenweg", "rijwoning", 1957, "uitkomst_verschil"),
         ("Dorpsstraat", "vrijstaand", 1929), ("Gravenlaan", "twee_onder_een_kap", 1976),
         ("Meerkoetlaan", "rijwoning", 1983)],
        p50=0.3, p90=0.25, dekking=0.3, voortgang=4.0,
    ),
    _village(
        "Ravenwerd", "9935", (500.0, -5500.0), 7, 0.05,
        [("Werdstraat", "arbeiderswoning", 1908), ("Dorpsstraat", "rijwoning", 1952),
         ("Kloosterlaan", "twee_onder_een_kap", 1982), ("Nieuwe Werd", "vrijstaand", 2002),
         ("Pastoor Brugstraat", "rijwoning", 1969)],
        p50=0.12, p90=0.18, dekking=0.15, voortgang=1.8,
    ),
    _village(
        "Klaarwolde", "9938", (-4500.0, -5000.0), 8, 0.25,
        # a village of farms and detached homes, mixed along every street (planning level: dorp)
        [("Woldweg", "boerderij", 1895, None, "vrijstaand"), ("Dorpsstraat", "vrijstaand", 1912, None, "boerderij"),
         ("Schoolstraat", "vrijstaand", 1915, None, "boerderij"), ("Esdoornlaan", "boerderij", 1900, None, "vrijstaand"),
         ("Klaverkamp", "vrijstaand", 1914, None, "boerderij"),
         ("Woldstraat", "boerderij", 1898, None, "vrijstaand")],
        p50=0.05, p90=0.12, dekking=0.12, voortgang=1.2,
    ),
    _village(
        "Boltum", "9940", (-7500.0, -1500.0), 6, -0.1,
        [("Boltumerstraat", "arbeiderswoning", 1907), ("Kerkstraat", "vrijstaand", 1924),
         ("Nieuwstraat", "rijwoning", 1964), ("Zonnehof", "twee_onder_een_kap", 1983)],
        p50=0.08, p90=0.15, dekking=0.2, voortgang=0.8,
    ),
    _village(
        "Ekelzijl", "9941", (-6500.0, 3500.0), 7, 0.4,
        [("Zijlweg", "arbeiderswoning", 1902), ("Dorpsstraat", "arbeiderswoning", 1918),
         ("Havenstraat", "rijwoning", 1954), ("Sluislaan", "twee_onder_een_kap", 1975),
         ("Zeglaan", "rijwoning", 1967)],
        p50=0.18, p90=0.22, dekking=0.25, voortgang=2.4,
    ),
    _village(
        "Maarhornerveen", "9950", (-2500.0, 5500.0), 10, -0.05,
        [("Veenweg", "arbeiderswoning", 1921), ("Kanaalstraat", "rijwoning", 1953),
         ("Turfstraat", "rijwoning", 1959), ("Wijkstraat", "portiekflat", 1966),
         ("Compagnonsweg", "twee_onder_een_kap", 1977), ("Zuidwending", "vrijstaand", 1994),
         ("Dwarsdiep", "rijwoning", 1972)],
        p50=0.1, p90=0.2, dekking=0.2, voortgang=2.0,
    ),
    _village(
        "Hoornwierde", "9952", (3500.0, 800.0), 9, 0.15,
        [("Hoornstraat", "arbeiderswoning", 1904), ("Kerkstraat", "vrijstaand", 1913),
         ("Nieuwstraat", "rijwoning", 1958), ("Spoorlaan", "rijwoning", 1964),
         ("Burchtlaan", "twee_onder_een_kap", 1973), ("Hoornse Kamp", "vrijstaand", 2005),
         ("Stationsweg", "rijwoning", 1929)],
        p50=0.35, p90=0.25, dekking=0.35, voortgang=3.2,
    ),
)

SETTLEMENTS: tuple[Settlement, ...] = (TOWN, *VILLAGES)

#: Country roads with farms between two settlements (index in ``SETTLEMENTS``): (from, to, name).
ROADS: tuple[tuple[int, int, str], ...] = (
    (0, 1, "Harkezijlsterweg"),
    (0, 2, "Heemwierumerweg"),
    (0, 10, "Hoornwierderweg"),
    (10, 3, "Wolderumerweg"),
    (3, 4, "Spijkmeerderweg"),
    (0, 5, "Ravenwerderweg"),
    (5, 6, "Klaarwolderweg"),
    (0, 7, "Boltumerweg"),
    (7, 8, "Ekelzijlsterweg"),
    (0, 9, "Veenkoloniale Weg"),
    (1, 2, "Oude Dijk"),
    (4, 5, "Zuiderweg"),
    (2, 10, "Wierdeweg"),
    (9, 7, "Veenrandweg"),
    (6, 7, "Westerweg"),
    (10, 4, "Middenweg"),
)
#: Roads from a settlement to the gemeente border: (from, bearing in degrees from east, name).
BORDER_ROADS: tuple[tuple[int, float, str], ...] = (
    (1, 20.0, "Zeedijk"),
    (6, 235.0, "Woldjerweg"),
    (8, 140.0, "Noorderweg"),
    (3, -30.0, "Oosterpolderweg"),
)

#: Batches (free text in the data contract, docs/gegevenscontract.md) and how far each is along, in phase steps.
BATCH_VOORSPRONG = {"1467": 1.8, "1588": 1.0, "HRA-2019": 0.0, "typologie-aanpak": -0.8}
