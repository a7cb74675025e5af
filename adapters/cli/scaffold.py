"""``stodbot kb init DIR``: the files of a new knowledge base, to be edited."""

from __future__ import annotations

from datetime import date
from pathlib import Path

ORGANISATION = """\
# ÄNDRA – en mall för en liten kommuns kommunledningsförvaltning. Byt namn,
# områden, ansvariga och enheter mot era egna. Allt som är markerat ÄNDRA ska
# fyllas i; inga riktiga personer står här.
# Formatet beskrivs i Stödbots README under "The organisation file".
municipality: Minkommun            # ÄNDRA: kommunens namn
example: true                      # ÄNDRA till false när filen är ifylld
language: sv
# Området som tar emot frågor som inget annat område äger.
triage_area: kansli

# Plattformens användar-id (Matrix @namn:server eller Teams), aldrig visningsnamn.
# leadership: ["@kommundirektor:minkommun.se"]   # läser veckosammanställningen
# people:                                        # personer vars enhet är känd
#   "@anna.chef:minkommun.se": bou

areas:
  - id: hr
    name: HR
    description: >-
      Rekrytering, introduktion, lön och anställningsvillkor, arbetsmiljö,
      rehabilitering och chefsstöd i personalfrågor.
    lead: HR-chef (ÄNDRA – namn)
    confidential: true             # ärendetext bara för områdets personal
    keywords: [lön, rekrytering, anställning, sjukskrivning, rehabilitering, semester, arbetsmiljö]
    sla: {claim_hours: 4, resolve_hours: 16}
    # staff: ["@hr:minkommun.se"]
    # lead_user: "@hrchef:minkommun.se"

  - id: ekonomi
    name: Ekonomi och upphandling
    description: >-
      Budget och uppföljning, redovisning, fakturor, attest, representation,
      upphandling och inköp.
    lead: Ekonomichef (ÄNDRA – namn)
    keywords: [budget, faktura, attest, redovisning, upphandling, inköp, avtal, leverantör]
    sla: {claim_hours: 8, resolve_hours: 24}

  - id: kommunikation
    name: Kommunikation
    description: >-
      Webb och intranät, sociala medier, press och media, grafisk profil.
    lead: Kommunikationschef (ÄNDRA – namn)
    keywords: [webb, intranät, press, media, logotyp, sociala medier, annons]
    sla: {claim_hours: 8, resolve_hours: 24}

  - id: kansli
    name: Kansli och registratur
    description: >-
      Diarieföring, allmänna handlingar och sekretess, arkiv,
      nämndadministration, delegation, protokoll och dataskydd (GDPR).
    lead: Kanslichef (ÄNDRA – namn)
    keywords: [diarium, registrator, allmän handling, sekretess, arkiv, nämnd, protokoll, gdpr]
    sla: {claim_hours: 8, resolve_hours: 24}

  - id: sakerhet
    name: Säkerhet och trygghet
    description: >-
      Krisberedskap, brandskydd, hot och våld, larm, passerkort och
      försäkringar.
    lead: Säkerhetssamordnare (ÄNDRA – namn)
    keywords: [kris, brand, brandskydd, hot, våld, larm, passerkort, försäkring]
    sla: {claim_hours: 4, resolve_hours: 24}

  - id: digital
    name: Digital utveckling
    description: >-
      Nya system och e-tjänster, systemförvaltning, informationssäkerhet och
      digitaliseringsstöd.
    lead: Digitaliseringsstrateg (ÄNDRA – namn)
    keywords: [system, e-tjänst, digitalisering, informationssäkerhet, behörighet, licens]
    sla: {claim_hours: 8, resolve_hours: 40}

  - id: it
    name: IT-drift (tillsammans med grannkommunerna)
    description: >-
      Datorer, telefoner, konton och lösenord, nätverk, skrivare och
      servicedesk. Drivs tillsammans med grannkommunerna.
    lead: IT-chef i värdkommunen (ÄNDRA – namn)
    partner:
      name: Gemensam IT-drift (ÄNDRA – namnet på samarbetet)
      local_contact: IT-samordnare (ÄNDRA – namn)
    keywords: [dator, lösenord, konto, skrivare, telefon, mobil, wifi, nätverk, e-post]
    sla: {claim_hours: 2, resolve_hours: 16}

  - id: service
    name: Intern service
    description: >-
      Gemensamma bilar, lokaler och konferensrum, post, kontorsmaterial,
      växel och reception.
    lead: Servicechef (ÄNDRA – namn)
    keywords: [bil, bilbokning, poolbil, lokal, konferensrum, post, kontorsmaterial, växel]
    sla: {claim_hours: 4, resolve_hours: 16}

# ÄNDRA: kommunens förvaltningar; den som frågar väljer sin första gången.
units:
  - {id: klf, name: Kommunledningsförvaltningen}
  - {id: bou, name: Barn- och utbildningsförvaltningen}
  - {id: soc, name: Socialförvaltningen}
  - {id: sbf, name: Samhällsbyggnadsförvaltningen}
"""

SYNONYMS = """\
# Synonymer för matchningen: en lista med grupper. Varje ord i en grupp läses
# som det första ordet i gruppen. Orden jämförs efter normalisering, så böjningar,
# versaler och saknade å/ä/ö behöver inga egna rader. Till exempel:
#
# - [dator, laptop, pc, bärbar dator]
# - [lönespecifikation, lönebesked, lönespec]
#
# Tom lista tills ni lägger till egna grupper.
[]
"""

EXAMPLE_AREA = "service"

EXAMPLE_ARTICLE = """\
---
# EXEMPEL – skriv om eller ta bort när ni har egna artiklar.
id: service-exempel
area: service
title: Boka ett konferensrum
questions:
  - Hur bokar jag ett konferensrum?
  - Var bokar man mötesrum i kommunhuset?
  - Jag behöver ett rum till ett möte på torsdag, hur gör jag?
  - Kan jag boka sammanträdesrummet åt en extern gäst?
keywords: [konferensrum, mötesrum, rumsbokning]
owner: Servicechef (ÄNDRA – namn)
reviewed: {today}
---
Konferensrummen bokas i Outlook: skapa ett möte och lägg till rummet som
**plats** (ÄNDRA – beskriv hur det går till hos er).

- Avboka rummet om mötet ställs in.
- Behöver du hjälp med teknik i rummet: kontakta Intern service.

Kontakt: Intern service, växeln (ÄNDRA – telefonnummer).
"""

README = """\
# Kunskapsbanken

Här finns det boten kan svara på. Varje fråga som chefer och medarbetare
ställer jämförs med artiklarna i `articles/`; träffar boten rätt artikel svarar
den med artikelns text, annars skapas ett ärende till rätt område.

- `organisation.yaml` – kommunens områden (HR, ekonomi, IT …), vem som ansvarar
  och vilket område som tar emot det ingen annan äger (`triage_area`). Fyll i
  allt som är markerat ÄNDRA.
- `synonyms.yaml` – ord som betyder samma sak (`[dator, laptop, pc]`).
- `articles/<område>/<id>.md` – en artikel per fil.

## Skriva en artikel

En artikel är en textfil med ett huvud mellan två rader `---` och därunder
svaret, skrivet i Markdown (`**fet**`, listor med `-`, länkar).

```markdown
---
id: service-konferensrum        # unikt: små bokstäver a–z, siffror och bindestreck
area: service                   # ett område (id) i organisation.yaml
title: Boka ett konferensrum
questions:                      # frågan som den ställs, på flera sätt
  - Hur bokar jag ett konferensrum?
  - Var bokar man mötesrum?
keywords: [mötesrum, rumsbokning]   # frivilligt
follow_up: [service-bilbokning]     # frivilligt: id som visas under "Se också"
owner: Servicechef Förnamn Efternamn # frivilligt
reviewed: 2026-12-01                 # frivilligt; kb lint varnar ett år senare
intro: {week: 1, order: 1}           # frivilligt: på nya chefers väg, vecka 1
---
Konferensrummen bokas i Outlook ...
```

Börja med `id` som området följt av ett bindestreck (`hr-semester`,
`it-losenord`). Filen ska ligga i mappen för sitt område.

### Formuleringar

Under `questions` skriver du frågan så som folk faktiskt ställer den – gärna
fem till tio varianter: korta och långa, med vardagsord och med fackord, med
"jag" och "man". Ju fler verkliga formuleringar, desto säkrare blir boten. Två
artiklar får inte ha samma fråga; `kb lint` säger till.

### Nyckelord

`keywords` är ord som hör till artikeln men sällan står i frågorna:
förkortningar, systemnamn, vardagsord ("lönespec", "poolbil"). Ord som
betyder samma sak i alla artiklar hör hemma i `synonyms.yaml` i stället.

## Kontrollera och kalibrera

Kör efter varje ändring (byt `minbas` mot mappen där den här filen ligger):

```sh
export STODBOT_ARTICLES_DIR=minbas/articles
export STODBOT_ORGANISATION_FILE=minbas/organisation.yaml
export STODBOT_SYNONYMS_FILE=minbas/synonyms.yaml
stodbot kb lint
```

`kb lint` visar fil och rad för varje fel: okända områden, samma fråga i två
artiklar, nästan likadana frågor som pekar på olika artiklar, "Se också" som
inte finns och artiklar som inte har granskats på ett år. En trasig artikel
stoppar aldrig boten, men den hoppas över tills felet är rättat.

Kör sedan `stodbot kb calibrate`. Den lär boten hur säker den behöver vara för
att svara och när den ska fråga tillbaka, ur artiklarnas egna formuleringar,
och skriver `calibration.json` bredvid mappen `articles`. Den behöver några
artiklar med minst tre formuleringar var. Kör den igen när artiklarna ändrats;
`kb lint` påminner.

Prova boten i terminalen med `stodbot chat` eller en enstaka fråga med
`stodbot ask "Hur bokar jag ett konferensrum?"`.

## Importera en frågelista från Excel

Har ni redan frågor och svar i ett kalkylark (xlsx eller csv):

```sh
stodbot kb import fragor.xlsx --out minbas --organisation minbas/organisation.yaml
```

Första raden ska vara rubriker. Kolumnerna hittas på namnen `fråga`, `svar`,
`område`, `id` och `rubrik` (eller `question`, `answer`, `area`, `title`);
andra namn anges med `--question-column`, `--answer-column`, `--area-column`,
`--id-column` och `--title-column`. Rader med samma id blir en artikel: den
första radens fråga blir rubrik och de andra blir formuleringar. Utan id-kolumn
slås rader med exakt samma svar ihop. `--area hr` lägger rader utan (känt)
område i HR. Kommandot säger vilka rader det inte kunde använda och varför.
Läs igenom artiklarna efteråt, lägg till formuleringar och kör `kb lint`.
"""


def files(today: date | None = None) -> dict[str, str]:
    """The scaffold's files, by path relative to the base's folder."""
    stamp = (today or date.today()).isoformat()
    return {
        "organisation.yaml": ORGANISATION,
        "synonyms.yaml": SYNONYMS,
        f"articles/{EXAMPLE_AREA}/exempel.md": EXAMPLE_ARTICLE.replace("{today}", stamp),
        "README.md": README,
    }


def existing(root: Path) -> list[Path]:
    return [root / name for name in files() if (root / name).exists()]


def write(root: Path, today: date | None = None) -> list[Path]:
    written = []
    for name, text in files(today).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
