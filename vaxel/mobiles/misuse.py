"""W2: what counts as unusual use of a work-mobile subscription. Pure functions over
strings and numbers, fast enough for a year of usage (millions of lines) per import.

- Premium-rate numbers (betalteletjänster): the Swedish 0900, 0939 and 0944 series
  (PTS's numbering plan for premium-rate calls) and 099 (mass calling, televoting).
- Premium SMS: five-digit short numbers in the 71xxx and 72xxx ranges, where Swedish
  premium SMS services (including donations) are charged.
- Roaming: use in a country outside the EU/EEA, where "roam like at home" does not apply.
- Outside working hours: calls and messages (not data, which phones use by themselves)
  outside VAXEL_WORKING_HOURS, public holidays and eves closed.
- Above the usual level: a month's cost (or activity, when the operator gives no
  cost) far above the median of the subscription's previous months.
"""

from statistics import median

PREMIUM_PREFIXES = ("0900", "0939", "0944", "099")
PREMIUM_SMS_PREFIXES = ("71", "72")
SHORT_NUMBER_LONGEST = 6

# The EU's 27, Iceland, Liechtenstein and Norway; with the EU's outermost regions that
# have their own ISO codes (Åland, the French overseas departments, Saint-Martin).
EEA = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
        "AX",
        "GF",
        "GP",
        "MQ",
        "RE",
        "YT",
        "MF",
    ]
)
HOME = "SE"

# Country names and ISO 3166 alpha-3 codes as operators' specifications write them; any
# two letters are taken as an ISO 3166 alpha-2 code.
COUNTRY_NAMES = {
    "sverige": "SE", "sweden": "SE", "swe": "SE",
    "norge": "NO", "norway": "NO", "nor": "NO",
    "danmark": "DK", "denmark": "DK", "dnk": "DK",
    "finland": "FI", "fin": "FI", "åland": "AX",
    "island": "IS", "iceland": "IS", "isl": "IS",
    "tyskland": "DE", "germany": "DE", "deu": "DE",
    "polen": "PL", "poland": "PL", "pol": "PL",
    "frankrike": "FR", "france": "FR", "fra": "FR",
    "spanien": "ES", "spain": "ES", "esp": "ES",
    "italien": "IT", "italy": "IT", "ita": "IT",
    "grekland": "GR", "greece": "GR", "grc": "GR",
    "nederländerna": "NL", "netherlands": "NL", "nld": "NL",
    "belgien": "BE", "belgium": "BE", "bel": "BE",
    "österrike": "AT", "austria": "AT", "aut": "AT",
    "portugal": "PT", "prt": "PT",
    "estland": "EE", "estonia": "EE", "est": "EE",
    "lettland": "LV", "latvia": "LV", "lva": "LV",
    "litauen": "LT", "lithuania": "LT", "ltu": "LT",
    "kroatien": "HR", "croatia": "HR", "hrv": "HR",
    "irland": "IE", "ireland": "IE", "irl": "IE",
    "schweiz": "CH", "switzerland": "CH", "che": "CH",
    "storbritannien": "GB", "england": "GB", "united kingdom": "GB", "gbr": "GB",
    "usa": "US", "united states": "US",
    "turkiet": "TR", "turkey": "TR", "tur": "TR",
    "thailand": "TH", "tha": "TH",
    "förenade arabemiraten": "AE", "united arab emirates": "AE", "are": "AE",
    "färöarna": "FO", "faroe islands": "FO", "grönland": "GL", "greenland": "GL",
}  # fmt: skip


def country_code(text: str) -> str | None:
    """ISO 3166 alpha-2 for what the specification says ("" at home, or when it says
    nothing), or None when it is no country Växel knows."""
    value = text.strip()
    if not value:
        return ""
    if len(value) == 2 and value.isascii() and value.isalpha():
        return value.upper()
    return COUNTRY_NAMES.get(value.lower())


def roaming_outside_eea(country: str) -> bool:
    return bool(country) and country != HOME and country not in EEA


_SEPARATORS = str.maketrans("", "", " -()./\xa0")


def national(number: str) -> str:
    """The number as dialled in Sweden: +46 and 0046 become 0; separators dropped."""
    digits = number.translate(_SEPARATORS)
    if digits.isdigit() and not digits.startswith("00"):  # most lines: already so
        return digits
    digits = "".join(c for c in digits if c.isdigit() or c == "+")
    if digits.startswith("+46"):
        return "0" + digits[3:]
    if digits.startswith("0046"):
        return "0" + digits[4:]
    if digits.startswith("00"):
        return "+" + digits[2:]
    return digits


def msisdn(text: str) -> str:
    """A subscription's number as operators' files write it: an MSISDN without the +
    (46701234567) gets it back; anything else is left for the number parser."""
    value = text.strip()
    if value.isdigit() and value.startswith("46") and 10 <= len(value) <= 12:
        return "+" + value
    return value


def is_premium(number: str, *, message: bool) -> bool:
    """A premium-rate number (any kind of use), or a premium SMS short number."""
    if number.startswith(PREMIUM_PREFIXES):
        return True
    return message and len(number) == 5 and number.startswith(PREMIUM_SMS_PREFIXES)


def shown_number(number: str, *, premium: bool) -> str:
    """As far as the report needs it: premium-rate and short numbers (services, not
    people) in full, anyone else's only by their first digits (070-•••••••)."""
    if not number:
        return ""
    if premium or len(number) <= SHORT_NUMBER_LONGEST:
        return premium_display(number)
    if number.startswith("+"):
        return f"{number[:3]} •••"
    return f"{number[:3]}-{'•' * (len(number) - 3)}"


def premium_display(number: str) -> str:
    for prefix in PREMIUM_PREFIXES:
        if number.startswith(prefix) and len(number) > len(prefix):
            return f"{prefix}-{number[len(prefix) :]}"
    return number


# Thresholds (docs/mobiles.md explains them).
OUTSIDE_HOURS_LEAST = 20  # calls and messages outside working hours in a month, at least
OUTSIDE_HOURS_SHARE = 0.4  # and at least this share of the month's calls and messages
USUAL_FACTOR = 3.0  # a month above this many times the usual (median) level
USUAL_MONTHS_LEAST = 3  # months of history before "usual" means anything
USUAL_MONTHS_MOST = 12
USUAL_FLOOR_ORE = 20_000  # 200 kr: a month below this is never "far above" by cost
USUAL_FLOOR_ACTIVITY = 100  # calls, messages and megabytes: the same without costs


def much_outside_hours(*, outside: int, total: int) -> bool:
    return outside >= OUTSIDE_HOURS_LEAST and total > 0 and outside / total >= OUTSIDE_HOURS_SHARE


def far_above_usual(level: int, history: list[int], *, by_cost: bool) -> float | None:
    """How many times the usual (median) level this month is, when it is far above it;
    None otherwise or when there is too little history."""
    earlier = history[-USUAL_MONTHS_MOST:]
    if len(earlier) < USUAL_MONTHS_LEAST:
        return None
    usual = median(earlier)
    floor = USUAL_FLOOR_ORE if by_cost else USUAL_FLOOR_ACTIVITY
    if level < floor or level <= USUAL_FACTOR * usual:
        return None
    return level / usual if usual else float("inf")
