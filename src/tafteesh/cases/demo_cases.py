"""Thirty demo cases for the demo consortium, written through the case services as its people.

Each case is opened by its lawyer, staffed by the consortium lead, given its survivors (by the
social worker) and accused, then walked through its real course with dated stage and custody
changes, so stage history and statutory clocks look as they would in use. Recent cases are dated
from today (``-57`` is 57 days ago), so some clocks are always running or due soon. Everything
is invented: survivors have pseudonyms, and their identities are marked as demo data.

One block per case:
  DISTRICT Police station | FIR-number date | source>destination | team | court [type no/year,
      * when it has a CNR] | told DATE (the victim was told of the investigation's progress)
      team: the first letter opens the case (K lawyer Kolkata, M lawyer Mumbai); the lead adds
      the rest (S social worker; L survivor leader, once a survivor has consented)
  = charges, each act then its sections | survivors "Pseudonym age [@account] [consent DATE]"
  > stage moves "code date [note]", separated by ";"
  ! accused "Name[/alias]: status date [@court], ...", separated by ";" (the first status is
      the one they are added with)
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from tafteesh.cases.catalogue import Act
from tafteesh.cases.schemas import ChargeIn
from tafteesh.cases.stages import NEW_CODES_IN_FORCE, Stage

REFERENCE_PREFIX = "DEMO-"


def _pairs(text: str) -> dict[str, str]:
    return {key: value for key, _, value in (pair.partition("=") for pair in text.split())}


# Team letters and survivor accounts: their addresses at demo.tafteesh.org (tafteesh/demo.py).
ACCOUNT_EMAILS = {
    key: f"{name}@demo.tafteesh.org"
    for key, name in _pairs(
        "K=lawyer.kolkata M=lawyer.mumbai S=socialworker L=leader lead=lead asha=survivor "
        "kiran=survivor.hindi"
    ).items()
}
TEAM_ROLES = {"K": "lawyer", "M": "lawyer", "S": "social_worker", "L": "survivor_leader"}
STAGES = {
    code: Stage(value)
    for code, value in _pairs(
        "inv=under_investigation cs=chargesheet_filed cr=closure_report fi=further_investigation "
        "cog=cognizance com=committed_to_sessions ch=charge_hearing cf=charges_framed "
        "pe=prosecution_evidence soa=statement_of_accused de=defence_evidence "
        "fa=final_arguments jr=judgment_reserved conv=convicted acq=acquitted sen=sentenced "
        "app=appeal_pending tr=transferred stay=stayed_by_higher_court"
    ).items()
}
ACCUSED_STATUSES = _pairs(
    "abs=absconding arr=arrested jc=judicial_custody bail=on_bail dis=discharged "
    "conv=convicted acq=acquitted"
)
# The provision a move is made under (old codes, new codes), named in its default note.
PROVISIONS = {
    "cs": ("CrPC 173", "BNSS 193"),
    "cog": ("CrPC 190", "BNSS 210"),
    "com": ("CrPC 209", "BNSS 232"),
    "cf": ("CrPC 228", "BNSS 251"),
    "soa": ("CrPC 313", "BNSS 351"),
}
DISTRICTS = {
    "S24": ("South 24 Parganas", "West Bengal"),
    "N24": ("North 24 Parganas", "West Bengal"),
    "KOL": ("Kolkata", "West Bengal"),
    "MUM": ("Mumbai", "Maharashtra"),
    "PUN": ("Pune", "Maharashtra"),
}
STATES = {"WB": "West Bengal", "MH": "Maharashtra", "JH": "Jharkhand"}
CASE_TYPES = {"SC": "Sessions Case", "SPL": "Special Case (POCSO)", "GR": "GR Case", "CC": "C Case"}
# Each court with its eCourts establishment code (state, district, establishment) for the CNR.
COURTS = {
    "ALI": ("Additional District & Sessions Judge, 3rd Court, Alipore", "WBSP01"),
    "ALIP": ("Special POCSO Court, Alipore", "WBSP01"),
    "BRP": ("Additional Chief Judicial Magistrate, Baruipur", "WBSP03"),
    "DH": ("Additional District & Sessions Judge, Diamond Harbour", "WBSP04"),
    "BAR": ("Additional District & Sessions Judge, Barasat", "WBNP01"),
    "BARP": ("Special POCSO Court, Barasat", "WBNP01"),
    "BSH": ("Additional Chief Judicial Magistrate, Basirhat", "WBNP05"),
    "CAL": ("City Sessions Court, Calcutta", "WBKO01"),
    "CALP": ("Special POCSO Court, City Sessions Court, Calcutta", "WBKO01"),
    "BNK": ("Chief Metropolitan Magistrate, Bankshall Court, Kolkata", "WBKO02"),
    "MUM": ("City Civil & Sessions Court, Mumbai", "MHCC02"),
    "MUMP": ("Special POCSO Court, City Civil & Sessions Court, Mumbai", "MHCC02"),
    "ESP": ("Additional Chief Metropolitan Magistrate, Esplanade, Mumbai", "MHMM11"),
    "PUN": ("District & Sessions Court, Pune", "MHPU01"),
    "PUNP": ("Special POCSO Court, Pune", "MHPU01"),
    "JMF": ("Judicial Magistrate First Class, Shivajinagar, Pune", "MHPU02"),
    "CHC": ("High Court at Calcutta", ""),
    "BHC": ("High Court of Bombay", ""),
}

CASES = """
S24 Canning PS | 212 2019-04-18 | WB>MH | KMS | ALIP SPL 41/2019*
= IPC 366A 370 372 120B ITPA 5 POCSO 17 | Mitali 15
> inv 2019-04-19; cs 2019-07-29; cog 2019-08-21; ch 2019-11-12; cf 2020-02-04; pe 2020-03-03
> soa 2022-08-09; fa 2022-12-15; conv 2023-03-28; sen 2023-04-11 Ten years' rigorous imprisonment
> app 2023-07-05 Convicts' appeal admitted by the Calcutta High Court, sentence suspended
! Shambhu Naskar/Shambhu Dalal: jc 2019-05-02, bail 2019-12-19, conv 2023-03-28
! Sukumar Halder: abs 2019-04-18, jc 2020-01-09, bail 2020-06-30, conv 2023-03-28
S24 Baruipur PS | 388 2020-09-07 | WB>MH | KMSL | ALI SC 187/2021*
= IPC 370 120B 506 ITPA 5 | Asha 19 @asha consent 2021-02-01
> inv 2020-09-08; cs 2020-12-21; cog 2021-01-18; com 2021-03-08; ch 2021-04-20; cf 2021-09-14
> pe 2022-01-11; stay 2024-02-16 Calcutta High Court stayed the trial on the accused's revision
! Shambhu Naskar/Shambhu Dalal: jc 2020-09-25, bail 2021-02-02; Pintu Sardar: abs 2020-09-07
S24 Sonarpur PS | 502 2021-06-24 | WB>WB | KS | ALIP SPL 88/2021
= IPC 366A 370 376 120B ITPA 5 POCSO 6 | Payel 16
> inv 2021-06-25; cs 2021-11-30; cog 2021-12-14; ch 2022-03-08; cf 2022-06-21; pe 2022-09-13
> stay 2023-03-02 High Court stayed the trial on the accused's petition to quash
> pe 2024-01-19 Stay vacated, the trial resumes
! Dilip Purkait: jc 2021-07-03, bail 2021-10-05
! Jahangir Molla: abs 2021-06-24, arr 2022-02-10, jc 2022-02-11, bail 2022-09-30
S24 Kultali PS | 118 2025-03-10 | WB>WB | KS | ALIP SPL 27/2025* | told 2025-04-15
= BNS 143 96 65(1) ITPA 5 POCSO 6 | Tumpa 14, Shimul 15
> inv 2025-03-10; cs 2025-05-06; cog 2025-05-20; ch 2025-06-24; cf 2025-07-29; pe 2025-08-26
! Raju Gazi: jc 2025-03-12; Babita Das/Babita Mashi: arr 2025-03-12, jc 2025-03-13, bail 2025-10-07
S24 Baruipur PS | 1207 -57 | WB>WB | KSL | BRP
= BNS 143 64 3(5) ITPA 5 | Shapla 20 consent -30
> inv -56
! Montu Bairagi: abs -57; Nazma Begum: arr -50, jc -49
S24 Diamond Harbour PS | 301 2024-08-19 | WB>MH | KMS | DH SC 61/2025
= BNS 143 144(2) 3(5) ITPA 4 5 | Bristi 24
> inv 2024-08-20; cs 2024-12-16; cog 2025-01-08; com 2025-03-20; ch 2025-05-14
! Shambhu Naskar/Shambhu Dalal: abs 2024-08-19; Joydeb Mondal/Joy: jc 2024-08-27, bail 2024-11-28
S24 Basanti PS | 77 2019-02-11 | WB>WB | KSL | ALI SC 96/2019*
= IPC 370 370A(2) 120B ITPA 3 4 5 | Moyna 23 consent 2022-05-02, Shikha 20
> inv 2019-02-12; cs 2019-05-08; cog 2019-05-30; com 2019-07-18; ch 2019-09-03; cf 2020-01-21
> pe 2020-02-25; soa 2024-06-13; de 2024-10-22; fa 2025-04-08
! Tapas Ghosh: jc 2019-02-20, bail 2019-08-01
! Kakali Biswas: abs 2019-02-11, arr 2019-06-05, jc 2019-06-06, bail 2019-12-19
N24 Basirhat PS | 645 2019-07-22 | WB>MH | KMS | BARP SPL 119/2019*
= IPC 366A 370 372 120B ITPA 5 POCSO 17 | Rimpa 17
> inv 2019-07-23; cs 2019-10-18; cog 2019-11-06; ch 2020-01-21; cf 2020-10-13; pe 2021-02-09
> soa 2022-11-22; fa 2023-01-10; acq 2023-03-14 Benefit of doubt: seizure witnesses turned hostile
> app 2023-05-29 Survivor's appeal against acquittal admitted by the Calcutta High Court
! Anwar Sheikh/Bhola: jc 2019-08-02, bail 2020-02-18, acq 2023-03-14; Rahima Bibi: abs 2019-07-22
N24 Hasnabad PS | 233 2022-04-05 | WB>MH | KS | BSH GR 1422/2022
= IPC 370 120B ITPA 5 | Doel 21
> inv 2022-04-06; cr 2022-12-28 Final report: true but insufficient evidence. Survivor protests
! Habib Mondal: abs 2022-04-05; Firoz Gazi: arr 2022-04-09, jc 2022-04-10, bail 2022-07-01
N24 Swarupnagar PS | 911 -140 | WB>MH | KMS | BSH
= BNS 143 144(2) ITPA 5 6 | Jhuma 19
> inv -139
! Abdul Karim: arr -139, jc -138; Rekha Mashi: abs -140
N24 Bongaon PS | 1502 2020-12-03 | WB>MH | KMS | BAR SC 202/2021*
= IPC 370 370A(2) 506 ITPA 5 | Sonali 20
> inv 2020-12-04; cs 2021-03-01; cog 2021-03-22; com 2021-05-03; ch 2021-08-10; cf 2022-02-08
> pe 2022-06-14; soa 2026-08-18
! Pradip Mistri: jc 2020-12-05, bail 2021-04-16; Bapi Haldar: jc 2020-12-06, bail 2021-02-23 @CHC
N24 Petrapole PS | 58 2023-02-14 | WB>WB | KS | BARP SPL 31/2023
= IPC 366A 370 372 ITPA 5 POCSO 17 | Tania 16
> inv 2023-02-15; cs 2023-06-20; cog 2023-07-11; ch 2023-10-03
> tr 2024-03-12 Transferred to the newly notified Special POCSO Court, Bongaon
! Kamal Sardar: jc 2023-02-16, bail 2023-08-22
N24 Barasat PS | 640 2025-06-02 | WB>MH | KMS | BAR | told 2025-08-01
= BNS 143 144(2) 351(3) ITPA 5 | Shiuli 26
> inv 2025-06-03; cs 2025-08-28; cog 2025-09-16
> fi 2025-11-04 Court directed further investigation into the placement agency's payments
! Biswajit Paul: jc 2025-06-05, bail 2025-09-02; Rubel Gazi: abs 2025-06-02
N24 Hasnabad PS | 96 2024-03-02 | WB>MH | K | BSH
= IPC 366A 370 372 ITPA 5 POCSO 17 | Mou 13
> inv 2024-03-03
! Nurul Islam: abs 2024-03-02; Shahnaz Parvin: abs 2024-03-02
KOL Shyampukur PS | 284 -12 | WB>WB | KS
= BNS 143 96 ITPA 5 6 POCSO 6 | Pakhi 17
! Lakshmi Thapa/Lakshmi Didi: arr -11, jc -10
KOL Burtolla PS (Sonagachi) | 172 2019-03-27 | WB>WB | KSL | CALP SPL 22/2019*
= IPC 370 372 373 376 ITPA 3 4 6 POCSO 6 | Nandini 15 consent 2024-06-10
> inv 2019-03-28; cs 2019-06-21; cog 2019-07-09; ch 2019-09-10; cf 2019-12-17; pe 2020-01-28
> soa 2025-02-11; de 2025-05-20; fa 2025-08-05; jr 2026-04-14
> conv -20 Convicted under IPC 370, 372, 373 and POCSO 6. Hearing on sentence fixed
! Shefali Das/Shefali Mashi: jc 2019-03-28, bail 2019-11-14, conv -20
! Prakash Jaiswal: jc 2019-04-02, bail 2020-03-03 @CHC, conv -20
KOL Bowbazar PS | 395 2024-07-26 | WB>WB | KS | CAL SC 311/2024* | told 2024-09-05
= BNS 143 144(2) 3(5) ITPA 3 4 5 | Mallika 25, Sabina 19
> inv 2024-07-27; cs 2024-10-07; cog 2024-10-22; com 2024-11-26; ch 2025-01-07; cf 2025-02-18
> pe 2025-03-25; soa 2025-09-09; fa 2025-11-18; jr -64 Arguments closed, judgment reserved
! Sheikh Rafiqul/Rafique: jc 2024-07-27; Mamata Sarkar: bail 2024-08-10 @BNK
KOL Kalighat PS | 455 2021-10-11 | WB>MH | KM | BNK CC 1822/2022
= IPC 370 370A(2) 120B ITPA 5 | Rina 28
> inv 2021-10-12; cs 2022-03-30; cog 2022-05-17 Warrants issued against the absconding accused
! Imran Qureshi: abs 2021-10-11; Sagar Dutta: abs 2021-10-11
KOL Watgunge PS | 203 2025-01-20 | WB>WB | KS | CAL | told 2025-03-28
= BNS 143 144(2) ITPA 5 | Champa 23
> inv 2025-01-21; cs 2025-04-15; cog 2025-05-06; com -30
! Arjun Prasad: jc 2025-01-22, bail 2025-04-25 @BNK
MUM Nagpada PS (Kamathipura) | 164 2020-08-14 | WB>MH | MKS | MUM SC 1204/2020*
= IPC 370 370A(2) 34 ITPA 3 4 5 6 | Asha 19 @asha, Sahana 22
> inv 2020-08-15; cs 2020-11-09; cog 2020-11-30; com 2021-01-12; ch 2021-06-22; cf 2022-03-15
> pe 2022-07-19 Survivors' evidence to be recorded by video link from Kolkata
! Rekha Bibi/Rekha Mashi: jc 2020-08-15, bail 2021-03-24
! Salim Shaikh/Salim Bhai: jc 2020-08-15, bail 2021-07-07 @BHC
! Shambhu Naskar/Shambhu Dalal: abs 2020-08-14
MUM D.B. Marg PS | 96 2019-05-30 | WB>MH | MK | MUM SC 874/2019*
= IPC 370 370A(2) 34 ITPA 3 4 5 6 | Lata 22, Moni 19
> inv 2019-05-31; cs 2019-08-22; cog 2019-09-06; com 2019-10-15; ch 2019-12-09; cf 2021-02-23
> pe 2021-07-06; soa 2023-10-17; fa 2023-12-05
> acq 2024-02-27 Acquitted: summons to the survivors in West Bengal were never served
! Rekha Bibi/Rekha Mashi: jc 2019-05-31, bail 2019-09-18, acq 2024-02-27
! Ravi Shetty: jc 2019-05-31, bail 2019-10-03, acq 2024-02-27
MUM Gamdevi PS | 312 2025-09-18 | JH>MH | MS | MUM SC 318/2026* | told 2025-11-20
= BNS 143 144(2) ITPA 4 5 | Kiran 20 @kiran
> inv 2025-09-19; cs 2025-12-11; cog 2026-01-08; com 2026-02-24; ch 2026-03-31
! Santosh Pawar/Bhau: jc 2025-09-19, bail 2026-01-20; Asif Khan: abs 2025-09-18
MUM Tardeo PS | 141 2022-06-09 | WB>MH | MKS | MUM SC 1530/2022
= IPC 370 370A(2) ITPA 3 4 5 | Radha 24
> inv 2022-06-10; cs 2022-09-01; cog 2022-09-20; com 2022-11-08; ch 2023-01-17; cf 2023-06-27
> pe 2023-09-05; soa 2025-12-02; de 2026-02-17
! Manoj Yadav: jc 2022-06-10, bail 2022-10-19
! Kamala Thapa/Kamala Didi: jc 2022-06-10, bail 2023-01-31 @BHC
MUM Nagpada PS (Kamathipura) | 431 -87 | WB>MH | MKS | ESP
= BNS 143 144(1) ITPA 5 6 POCSO 17 | Bokul 16
> inv -87
! Rekha Bibi/Rekha Mashi: arr -87, jc -86; Nasir Ansari: jc -86
MUM Pydhonie PS | 233 2019-10-04 | WB>MH | MKS | MUMP SPL 611/2019*
= IPC 370 372 373 376 ITPA 3 5 POCSO 6 | Chandni 14
> inv 2019-10-05; cs 2019-12-02; cog 2019-12-18; ch 2020-02-11; cf 2021-01-19; pe 2021-03-16
> soa 2023-04-04; fa 2023-06-20; jr 2023-08-01; conv 2023-09-12
> sen 2023-09-26 Ten years' rigorous imprisonment. Compensation recommended under CrPC 357A
! Imtiaz Shaikh: jc 2019-10-05, conv 2023-09-12
! Fatima Bi: jc 2019-10-06, bail 2020-07-14, conv 2023-09-12
MUM Nagpada PS (Kamathipura) | 512 2024-10-21 | WB>MH | MKS | MUM SC 77/2025
= BNS 143 144(2) 3(5) ITPA 3 4 5 | Parbati 27, Rupali 20
> inv 2024-10-22; cs 2025-01-14; cog 2025-02-04; com 2025-06-17; ch 2025-07-22; cf 2025-11-11
! Pooja Shinde/Pooja Madam: jc 2024-10-22, bail 2025-03-11
! Ganesh Kale: jc 2024-10-22, bail 2025-02-04
PUN Faraskhana PS (Budhwar Peth) | 219 2026-03-16 | JH>MH | MSL | JMF | told 2026-05-02
= BNS 143 144(2) ITPA 3 4 5 | Kiran 20 @kiran consent -20
> inv 2026-03-17; cs -45
! Sunita Gaikwad/Sunita Akka: jc 2026-03-17, bail 2026-05-20; Deepak More: abs 2026-03-16
PUN Faraskhana PS (Budhwar Peth) | 301 2021-03-09 | WB>MH | MKS | PUN SC 512/2021*
= IPC 370 370A(2) 120B ITPA 3 4 5 6 | Swati 21, Mampi 18
> inv 2021-03-10; cs 2021-06-01; cog 2021-06-22; com 2021-08-10; ch 2021-11-23; cf 2022-09-20
> pe 2023-01-17
! Sunita Gaikwad/Sunita Akka: jc 2021-03-10, bail 2021-08-24
! Ramesh Bhosale: jc 2021-03-10, bail 2021-05-28
PUN Vishrambaug PS | 188 2024-09-02 | MH>MH | MS | PUNP SPL 402/2024* | told 2024-10-01
= BNS 143 96 65(1) ITPA 5 POCSO 6 | Meena 15
> inv 2024-09-03; cs 2024-10-28; cog 2024-11-12; ch 2024-12-10; cf 2025-01-21; pe 2025-02-18
> soa 2025-07-08; fa 2025-08-19; jr 2025-09-23; conv 2025-10-14
> sen 2025-10-28 Twenty years' rigorous imprisonment. Compensation recommended under BNSS 396
> app 2026-01-19 Convicts' appeal admitted by the Bombay High Court
! Vikas Jadhav: jc 2024-09-03, conv 2025-10-14
! Sunita Gaikwad/Sunita Akka: jc 2024-09-04, bail 2025-01-28, conv 2025-10-14
PUN Khadak PS | 97 -25 | WB>MH | MKS | JMF
= BNS 143 144(2) ITPA 4 5 | Geeta 22
> inv -24
! Rahul Kamble: arr -24, jc -23
"""


@dataclass
class DemoCase:
    district: str
    police_station: str
    fir_number: str
    fir_date: date
    route: list[str]  # source and destination state
    team: str
    court: str | None = None
    docket: list[str] = field(default_factory=list)  # case type, "number/year" (* with a CNR)
    told_on: date | None = None
    charges: list[ChargeIn] = field(default_factory=list)
    survivors: list[tuple[str, int, str | None, date | None]] = field(default_factory=list)
    path: list[tuple[date, Stage, str]] = field(default_factory=list)
    accused: list[tuple[str, str | None, list[tuple[str, date, str | None]]]] = field(
        default_factory=list
    )

    @property
    def reference(self) -> str:
        return f"{REFERENCE_PREFIX}{self.district}-{self.fir_number}"

    @property
    def cnr(self) -> str | None:
        if not (self.court and self.docket and self.docket[1].endswith("*")):
            return None
        number, year = self.docket[1].rstrip("*").split("/")
        return f"{COURTS[self.court][1]}{int(number):06d}{year}"


def _day(text: str, today: date) -> date:
    return today + timedelta(days=int(text)) if text.startswith("-") else date.fromisoformat(text)


def parse_cases(text: str, today: date) -> list[DemoCase]:
    cases: list[DemoCase] = []
    for line in text.strip().splitlines():
        kind, body = line[0], line[1:].strip()
        if kind not in "=>!":
            place, fir, route, members, *rest = (part.strip() for part in line.split("|"))
            (district, station), (number, fir_on) = place.split(" ", 1), fir.split()
            case = DemoCase(
                district, station, number, _day(fir_on, today), route.split(">"), members
            )
            cases.append(case)
            for part in rest:
                if part.startswith("told "):
                    case.told_on = _day(part[5:], today)
                else:
                    case.court, *case.docket = part.split()
        elif kind == "=":
            charged, survivors = body.split("|")
            act = ""
            for token in charged.split():
                act = token if token in Act.__members__ else act
                if token != act:
                    case.charges.append(ChargeIn(act=act, section=token))
            for survivor in survivors.split(","):
                name, age, *more = survivor.split()
                account = next((m[1:] for m in more if m.startswith("@")), None)
                consent = _day(more[-1], today) if "consent" in more else None
                case.survivors.append((name, int(age), account, consent))
        elif kind == ">":
            for move in body.split(";"):
                code, on, *note = move.split(maxsplit=2)
                provision = PROVISIONS.get(code, ("", ""))[case.fir_date >= NEW_CODES_IN_FORCE]
                label = STAGES[code].label + (f" ({provision})" if provision else "")
                case.path.append((_day(on, today), STAGES[code], note[0] if note else label))
        else:
            for person in body.split(";"):
                who, moves = person.split(":")
                name, _, alias = who.strip().partition("/")
                steps = [(m.split() + [""])[:3] for m in moves.split(",")]
                moved = [(s, _day(d, today), COURTS[c[1:]][0] if c else None) for s, d, c in steps]
                case.accused.append((name, alias or None, moved))
    return cases


# -- invented identities: marked as demo data, phones in the unassigned 00000 range -------------

GIVEN = ("Laxmi", "Sabita", "Puja", "Rumpa", "Rahima", "Sathi", "Mampi", "Jasmin", "Anjali")
SURNAMES = ("Mondal", "Naiya", "Halder", "Gayen", "Khatun", "Das", "Bibi", "Mistri", "Purkait")
FATHERS = ("Abdul", "Gour", "Nitai", "Samir", "Haru", "Rabin", "Kartik")
# Each demo survivor account is one person, with the same identity on each of her cases.
ACCOUNT_PEOPLE = {"asha": ("Sathi Gayen", 3), "kiran": ("Pinki Kumari", 5)}


def identity_of(case: DemoCase, pseudonym: str, age: int, account: str | None) -> dict[str, object]:
    seed = zlib.crc32(f"{case.reference}:{pseudonym}".encode())
    name, seed = ACCOUNT_PEOPLE.get(account or "", (None, seed))
    surname = SURNAMES[seed % len(SURNAMES)]
    guardian = f"{FATHERS[seed % len(FATHERS)]} {surname} (demo)" if age < 18 else None
    return {
        "legal_name": f"{name or GIVEN[seed % len(GIVEN)] + ' ' + surname} (demo)",
        "guardian_name": guardian,
        "phone": f"+91 00000 {seed % 100000:05d}",
        "address": f"House {seed % 90 + 1}, Demo Para (fictional), {STATES[case.route[0]]}",
        "age_at_offence": age,
    }
