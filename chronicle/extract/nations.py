"""Countries and the adjectives their forces are named by ("Chadian peacekeepers", "Togolese
contingent", "Mali's army"), for the actor patterns. Data only: one line per country."""

from __future__ import annotations

_TABLE = """
Afghanistan:Afghan
Algeria:Algerian
Angola:Angolan
Argentina:Argentine/Argentinian
Armenia:Armenian
Australia:Australian
Austria:Austrian
Azerbaijan:Azerbaijani/Azeri
Bangladesh:Bangladeshi
Belarus:Belarusian
Belgium:Belgian
Benin:Beninese/Beninois
Bolivia:Bolivian
Brazil:Brazilian
Britain:British
Burkina Faso:Burkinabe/Burkinabè/Burkinabé
Burundi:Burundian
Cambodia:Cambodian
Cameroon:Cameroonian
Canada:Canadian
Central African Republic:Central African
Chad:Chadian
Chile:Chilean
China:Chinese
Colombia:Colombian
Democratic Republic of the Congo:Congolese
Denmark:Danish
Djibouti:Djiboutian
Ecuador:Ecuadorian
Egypt:Egyptian
El Salvador:Salvadoran
Eritrea:Eritrean
Estonia:Estonian
Ethiopia:Ethiopian
Finland:Finnish
France:French
Gabon:Gabonese
Gambia:Gambian
Georgia:Georgian
Germany:German
Ghana:Ghanaian
Greece:Greek
Guatemala:Guatemalan
Guinea:Guinean
Guinea-Bissau:Bissau-Guinean
Haiti:Haitian
Honduras:Honduran
India:Indian
Indonesia:Indonesian
Iran:Iranian
Iraq:Iraqi
Ireland:Irish
Israel:Israeli
Italy:Italian
Ivory Coast:Ivorian
Japan:Japanese
Jordan:Jordanian
Kenya:Kenyan
Kosovo:Kosovar
Kyrgyzstan:Kyrgyz
Lebanon:Lebanese
Liberia:Liberian
Libya:Libyan
Lithuania:Lithuanian
Madagascar:Malagasy
Malawi:Malawian
Mali:Malian
Mauritania:Mauritanian
Mexico:Mexican
Moldova:Moldovan
Morocco:Moroccan
Mozambique:Mozambican
Myanmar:Myanmar/Burmese
Nepal:Nepalese/Nepali
Netherlands:Dutch
Nicaragua:Nicaraguan
Niger:Nigerien
Nigeria:Nigerian
North Korea:North Korean
Norway:Norwegian
Pakistan:Pakistani
Palestine:Palestinian
Peru:Peruvian
Philippines:Filipino/Philippine
Poland:Polish
Portugal:Portuguese
Qatar:Qatari
Romania:Romanian
Russia:Russian
Rwanda:Rwandan
Saudi Arabia:Saudi
Senegal:Senegalese
Serbia:Serbian
Sierra Leone:Sierra Leonean
Somalia:Somali
South Africa:South African
South Korea:South Korean
South Sudan:South Sudanese
Spain:Spanish
Sri Lanka:Sri Lankan
Sudan:Sudanese
Sweden:Swedish
Switzerland:Swiss
Syria:Syrian
Tajikistan:Tajik
Tanzania:Tanzanian
Thailand:Thai
Togo:Togolese
Tunisia:Tunisian
Turkey:Turkish
Uganda:Ugandan
Ukraine:Ukrainian
United Arab Emirates:Emirati
United Kingdom:British
United States:American/US/U.S.
Uruguay:Uruguayan
Uzbekistan:Uzbek
Venezuela:Venezuelan
Vietnam:Vietnamese
Yemen:Yemeni
Zambia:Zambian
Zimbabwe:Zimbabwean
"""

#: Other names a country goes by in the news.
COUNTRY_ALIASES = {
    "DRC": "Democratic Republic of the Congo", "DR Congo": "Democratic Republic of the Congo",
    "Congo": "Democratic Republic of the Congo", "Cote d'Ivoire": "Ivory Coast",
    "Côte d'Ivoire": "Ivory Coast", "UK": "United Kingdom", "US": "United States",
    "USA": "United States", "United States of America": "United States", "Burma": "Myanmar",
    "Türkiye": "Turkey", "CAR": "Central African Republic", "UAE": "United Arab Emirates",
}


def _parse() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    demonyms: dict[str, tuple[str, ...]] = {}
    country_of: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        country, _, forms = line.partition(":")
        names = tuple(forms.split("/"))
        demonyms.setdefault(country, names)
        for name in names:
            country_of.setdefault(name, country)
    return demonyms, country_of


DEMONYMS, COUNTRY_OF_DEMONYM = _parse()
COUNTRIES = frozenset(DEMONYMS) | frozenset(COUNTRY_ALIASES)


def country_name(name: str) -> str | None:
    """The table's name for a country written as `name` ("DRC" -> the long form)."""
    if name in DEMONYMS:
        return name
    return COUNTRY_ALIASES.get(name)


def demonym(country: str | None) -> str | None:
    """The adjective for a country: "Mali" -> "Malian"; None when unknown."""
    if country is None:
        return None
    forms = DEMONYMS.get(country_name(country) or country)
    return forms[0] if forms else None
