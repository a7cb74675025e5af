"""Every user-facing sentence, Swedish first, English available. Nowhere else."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

SV: dict[str, str] = {
    "greeting": (
        "Hej! Jag är Stödbot och svarar på frågor om hur saker görs i {municipality}, "
        "inom områdena {areas}. Skriv din fråga med egna ord."
    ),
    "empty": "Skriv en fråga, till exempel ”{example}”. Skriv ”hjälp” för fler kommandon.",
    "too_long": (
        "Meddelandet är för långt ({length} tecken, högst {limit}). "
        "Korta ner frågan och skicka den igen – inget av det långa meddelandet har sparats."
    ),
    "answer_header": "**{title}**",
    "follow_ups": "Se också:",
    "links": "Länkar:",
    "ask_feedback": "Var det till hjälp? (ja/nej)",
    "clarify": "Jag är inte säker på vad du menar. Menar du något av detta? Svara med en siffra.",
    "clarify_none": "Inget av dem – skriv ”0” så skickar jag frågan vidare.",
    "thanks_helpful": "Tack! Skönt att det hjälpte.",
    "sorry_not_helpful": "Tack för svaret. Vill du att jag skickar frågan till {area}? (ja/nej)",
    "route_declined": "Okej. Ställ gärna frågan på ett annat sätt.",
    "language_set": "Jag svarar på svenska från och med nu. Skriv ”language english” för engelska.",
    "language_usage": "Skriv ”språk svenska” eller ”språk engelska”.",
    "only_text": "Jag läser bara text, inte bilder eller filer. Skriv frågan med ord, så letar jag.",
    "button_helpful": "Ja, det hjälpte",
    "button_not_helpful": "Nej",
    "button_send": "Ja, skicka den",
    "button_dont_send": "Nej tack",
    "button_none": "Inget av dem",
    "offer_route": "Det hittar jag inget svar på i kunskapsbanken. Vill du att jag skickar frågan till **{area}**? (ja/nej)",
    "offer_route_far": "Det hittar jag inget svar på i kunskapsbanken. Jag svarar på frågor om hur saker görs i {municipality}, inom områdena {areas}. Vill du att jag skickar frågan till **{area}**? (ja/nej)",
    "bad_choice": "Välj en siffra mellan 1 och {n}, eller ställ en ny fråga.",
    "bad_choice_one": "Svara 1 för att välja, eller ställ en ny fråga.",
    "help_header": "Det här kan du skriva:",
    "help_ask": "Ställ en fråga med egna ord, så letar jag i kunskapsbanken. Områden: {areas}.",
    "store_unavailable": "Just nu kommer jag inte åt databasen. Försök igen om en liten stund.",
    "not_handled": "Ditt meddelande kunde inte hanteras på grund av ett fel hos boten. Skriv det gärna igen, med andra ord.",
    "score_line": "träff {score:.2f}",
    "say_more": "Hej! Vad undrar du över? Skriv frågan med några ord, till exempel ”{example}”.",
    "too_vague": "Jag förstår inte riktigt. Kan du beskriva frågan med några fler ord? Då letar jag igen, eller skickar den till rätt stödfunktion.",
    "routed": (
        "Jag har skickat frågan till **{area}** "
        "som ärende **{ticket}**. De tar hand om den senast {claim_due}. "
        "Du får svaret här. Skriv ”mina ärenden” för att se läget."
    ),
    "routed_feedback": (
        "Jag har skickat frågan till **{area}** som ärende **{ticket}**, med svaret du fick "
        "bifogat. De tar hand om den senast {claim_due}. Du får svaret här."
    ),
    "routed_partner": "{area} drivs av {partner}; {who} ansvarar för ärendet här hos oss.",
    "ask_unit": "Vilken förvaltning eller vilket kontor arbetar du på? Svara med en siffra.",
    "ask_unit_after": "En sak till, en gång: vilken förvaltning eller vilket kontor arbetar du på? Då räknas frågorna dit i statistiken (bara antal). Skriv till exempel ”enhet 1”, eller hoppa över det.",
    "unit_set": "Tack, jag har noterat {unit}.",
    "unit_skipped": "Jag svarar utan förvaltning och frågar inte igen. Skriv ”enhet” om du vill ange den senare.",
    "my_tickets_none": "Du har inga ärenden.",
    "my_tickets": "Dina ärenden:",
    "ticket_line": "**{ticket}** {status} – {area} – {question}",
    "status_open": "väntar på handläggare",
    "status_claimed": "handläggs av {who}",
    "status_waiting": "väntar på svar från dig",
    "status_waiting_staff": "väntar på frågeställaren",
    "status_resolved": "besvarat",
    "status_reopened": "återöppnat",
    "status_closed": "avslutat",
    # the same words for "no such ticket" and "not yours": a refusal does not tell an
    # outsider which ticket numbers exist
    "ticket_not_found": "Jag hittar inget ärende {ticket} som du har behörighet till.",
    "ticket_not_allowed": "Jag hittar inget ärende {ticket} som du har behörighet till.",
    "news_in_private": "Det finns nytt i ditt ärende {ticket}. Skriv ”ärende {ticket}” till mig i ett direktmeddelande, så visar jag det där.",
    "stale_button": "Den knappen hör till ett tidigare meddelande, så jag gör ingenting med den. Svara på det senaste, eller skriv vad du vill.",
    "not_here": "Ärenden visar jag inte här, där andra läser med. Skriv till mig direkt (eller i områdets eget rum), så visar jag dem där.",
    "ticket_already_claimed": "Ärende {ticket} har redan tagits av {by}.",
    "ticket_wrong_state": "Det går inte med ärende {ticket} just nu (det är {status}).",
    "ticket_error": "Det gick inte med ärende {ticket}.",
    "usage": "Skriv så här: {usage}",
    "info_added": "Tack, jag har lagt till det i ärende {ticket}.",
    "info_added_reply": "Tack, jag har lagt till det i ärende {ticket}, och handläggaren ser det. Var det en ny fråga, skriv den igen.",
    "waiting_reminder": "Påminnelse: {area} väntar på ditt svar i ärende **{ticket}**. Skriv ”ärende {ticket}” för att se frågan, och svara med ”komplettera {ticket} …”. Utan svar avslutas ärendet om några arbetsdagar.",
    "waiting_closed": "Ärende **{ticket}** är avslutat eftersom {area} inte fick svar på sin fråga. Skriv ”återöppna {ticket}” om du vill ta upp det igen.",
    "info_from_asker": "Frågeställaren har kompletterat ärende **{ticket}**:\n{text}",
    "reopened": "Ärende {ticket} är återöppnat och ligger hos {area} igen.",
    "staff_claimed": "Du har tagit ärende **{ticket}**.",
    "staff_unclaimed": "Du har släppt ärende **{ticket}**; det ligger i kön igen.",
    "staff_answered": "Svaret är skickat och ärende **{ticket}** är besvarat.",
    "staff_asked": "Frågan är skickad; ärende **{ticket}** väntar på svar.",
    "staff_merged": "Ärende **{ticket}** är ihopslaget med ärende **{into}**: dess frågeställare får svaret på {into}.",
    "asker_merged": "Ditt ärende **{ticket}** gäller samma sak som ärende **{into}** hos {area}, så de hanteras tillsammans. Du får svaret här.",
    "asker_answer_merged": "Svar på ditt ärende **{ticket}** (hanteras tillsammans med ärende {into}) från {area}:\n\n{text}\n\nLöste det inte din fråga, skriv ”återöppna {ticket}”.",
    "staff_noted": "Anteckningen är sparad i ärende **{ticket}** (syns inte för frågeställaren).",
    "staff_transferred": "Ärende **{ticket}** är flyttat till {area}.",
    "staff_resolved": "Ärende **{ticket}** är löst.",
    "asker_claimed": "{who} på {area} har tagit ditt ärende **{ticket}**.",
    "asker_answer": "Svar på ditt ärende **{ticket}** från {area}:\n\n{text}\n\nLöste det din fråga? (ja/nej)",
    "asker_question": "{area} behöver veta mer om ärende **{ticket}**:\n\n{text}\n\nSkriv ditt svar här, så läggs det till ärendet (eller ”komplettera {ticket} …”).",
    "asker_transferred": "Ditt ärende **{ticket}** har flyttats till {area}, som tar hand om det.",
    "asker_resolved": "Ditt ärende **{ticket}** är löst.{text}\n\nLöste det din fråga? (ja/nej)",
    "ticket_closed_thanks": "Tack! Ärende {ticket} är avslutat.",
    "rating_question": "Hur nöjd är du med hjälpen i ärende **{ticket}**?\nSvara med en siffra:",
    "rating_1": "Inte alls nöjd",
    "rating_2": "Inte särskilt nöjd",
    "rating_3": "Varken eller",
    "rating_4": "Nöjd",
    "rating_5": "Mycket nöjd",
    "rated": "Tack! Vill du säga något mer till {area}, skriv ”kommentar {ticket} …”. Bara de ser det.",
    "commented": "Tack, {area} ser din kommentar.",
    "close_notice": (
        "Ditt ärende **{ticket}** hos {area} är besvarat, men jag har inte hört om svaret "
        "löste frågan. Det avslutas {closes}. Skriv ”återöppna {ticket}” om frågan inte är löst."
    ),
    "auto_closed": "Ditt ärende **{ticket}** är avslutat. Skriv ”återöppna {ticket}” om du behöver ta upp det igen.",
    "ticket_reopen_offer": "Då återöppnar jag ärende {ticket} så att {area} tittar igen.",
    "queue_empty": "Kön är tom för {areas}.",
    "queue_header": "Ärenden för {areas}:",
    "queue_line": "**{ticket}** {status} – {unit} – {question} (ta senast {claim_due})",
    "not_staff": "Det kommandot är för stödfunktionernas handläggare.",
    "card": (
        "Nytt ärende **{ticket}** till **{area}**\n"
        "Fråga: {question}\nFörvaltning: {unit}\nTa senast: {claim_due} · Klart senast: {resolve_due}\n"
        "Kommandon: !ta {ticket} · !svara {ticket} … · !fråga {ticket} … · !notera {ticket} … · "
        "!flytta {ticket} OMRÅDE orsak · !lös {ticket}"
    ),
    "card_state": "Ärende **{ticket}** – {area} – {status}",
    "card_moved": "Ärende **{ticket}** flyttades från {area} till **{to}**.",
    "card_title": "Nytt ärende {ticket} till {area}",
    "card_title_state": "Ärende {ticket} – {area} – {status}",
    "card_question": "Fråga:",
    "card_escalated": "Eskalerat",
    "ticket_has_pnr": (
        "⚠ Ärendet innehåller ett personnummer – hantera det som en allmän handling med "
        "personuppgifter (sekretessprövning vid utlämnande)."
    ),
    "card_unit": "Förvaltning",
    "card_claim_due": "Ta senast",
    "card_resolve_due": "Klart senast",
    "card_refused": "Ärende {ticket}: du har inte behörighet att se det.",
    "card_claim": "Ta ärendet",
    "card_answer": "Svara",
    "card_answer_label": "Svar till frågeställaren",
    "card_note": "Intern notering",
    "card_note_label": "Syns inte för frågeställaren",
    "card_move": "Flytta",
    "card_move_label": "Område och orsak, t.ex. ”it gäller behörighet”",
    "card_resolve": "Lös",
    "card_send": "Skicka",
    "card_input_required": "Skriv något först",
    "card_fallback_buttons": "Knappar (du kan också skriva svaret):",
    "card_fallback_type": "skriv ”{text}”",
    "card_fallback_type_text": "skriv ”{text}” och din text",
    "escalated": (
        "Ärende **{ticket}** till {area} har inte tagits inom målet ({claim_due}). "
        "{lead}, kan du se till att någon tar det?"
    ),
    "ticket_view": "Ärende **{ticket}** – {area} – {status}\nFråga: {question}",
    "ticket_event": "- {at} {who}: {text}",
    "confidential_hidden": "(sekretess – frågan visas bara för området)",
    "unknown_unit": "okänd förvaltning",
    "unknown_area": "Det finns inget område som heter {area}. Områden: {areas}.",
    "unknown_article": "Det finns ingen artikel med id {article} i kunskapsbanken. Artikelns id står i dess fil (id:).",
    "areas_header": "Stödområdena i {municipality}:",
    "area_line_lead": "svarar: {lead}",
    "areas_more": "Skriv till exempel ”vad gör {example}?” för vad ett område gör och lovar.",
    "area_serves": "Till för: {who}.",
    "area_promises": "Området lovar:",
    "area_promise_claim": "ett ärende tas inom {hours} arbetstimmar",
    "area_promise_resolve": "ett ärende löses inom {hours} arbetstimmar",
    "area_promise_answered": "minst {share} % av frågorna får svar direkt, utan ärende",
    "area_promise_satisfaction": "nöjdhet med ärenden minst {mean} av 5",
    "area_lead": "Ansvarig: {lead}",
    "area_partner": "Drivs av: {partner}",
    "area_local_contact": "Lokal kontakt, svarar för området här: {contact}",
    "area_plan": "Verksamhetsplan: {title}: {url}",
    "year_header": "**Årsanalys {year}: {area}** (bara antal; under 5 visas som ”<5”)",
    "none": "inga",
    "year_change": " ({change} % mot året innan)",
    "year_questions": "- Frågor: {n}{change}; {before}: {was}",
    "year_answered": "- Besvarade av boten: {share} ({n} frågor)",
    "year_tickets": "- Ärenden: {n}; median {claim} arbetstimmar till tagen",
    "year_satisfaction": "- Nöjdhet med ärenden: {mean} av 5",
    "year_commitments": "- Åtaganden som hålls: {met}. Som inte hålls: {missed}.",
    "year_commitment_claim": "tid till tagen (median)",
    "year_commitment_resolve": "tid till löst (median)",
    "year_commitment_answered_share": "andel besvarade av boten",
    "year_commitment_satisfaction": "nöjdhet",
    "year_needs": "- Nya behov, grupper av frågor: nya i år {new}, som ökar {growing}.",
    "year_link": "Hela analysen, med Word-dokument att ta med till årsdialogen (länken gäller i 14 dagar): {url}",
    "year_link_all": "Alla områdens årsanalyser (länken gäller i 14 dagar): {url}",
    "year_link_in_private": "Skriv ”årsanalys” till mig direkt, så får du länken till hela analysen.",
    "year_no_link": "Hela analysen i terminalen: stodbot report yearly --area {area} --year {year} (dashboarden är inte påslagen).",
    "year_pick_area": "Skriv vilket område, till exempel ”årsanalys hr”.",
    "year_out_of_range": "Årsanalysen finns för åren {first}–{last}, till exempel ”årsanalys hr {last}”.",
    "year_not_allowed": "Årsanalysen läser ett områdes ansvariga (för sitt område) och ledningen.",
    "suggestions_none": "Inga förslag väntar för dina områden.",
    "suggestions_not_here": "Förslagen är människors egna ord; dem visar jag inte här, där andra läser med. Skriv ”förslag” till mig direkt (eller i områdets eget rum).",
    "suggestions_leads_only": "Förslagen går områdesansvariga igenom (lead_user i organisationsfilen).",
    "suggestion": "Förslag {n} av {of}, till artikeln **{title}** ({source}):",
    "suggestion_from_clarify": "någon valde artikeln bland förslagen och sa att den hjälpte",
    "suggestion_from_ticket": "en handläggare svarade på ärendet med artikeln",
    "suggestion_check": "Personnummer, telefonnummer, e-post och kända namn är borttagna. Läs ändå igenom: står det något om en person kvar, hoppa över det.",
    "suggestion_hint": "Skriv ”{accept}” för att lägga till det som formulering i artikeln, eller ”{skip}”.",
    "suggestion_accept": "Godkänn",
    "suggestion_skip": "Hoppa över",
    "suggestion_usage": "Skriv så här: godkänn 12 eller hoppa över 12 (numret står i förslaget).",
    "suggestion_gone": "Det finns inget förslag {n} för dina områden.",
    "suggestion_decided": "Förslag {n} är redan avgjort.",
    "suggestion_unwritable": "Förslag {n} kunde inte skrivas in: {why} Det väntar kvar.",
    "suggestion_accepted": "Inskrivet i artikeln. Boten använder det inom en minut.",
    "suggestion_skipped": "Det föreslås inte igen.",
    "suggestions_weekly": "Veckans förslag för **{area}** ({n} väntar): formuleringar ur verkliga frågor, för områdesansvarig att godkänna eller hoppa över.",
    "reviews_due": "Dags att granska **{area}**: de här artiklarna har inte granskats på ett år (reviewed i filen).",
    "reviews_item": "- **{title}** (`{article}`), ägare: {owner}, granskad {reviewed}",
    "reviews_more": "… och {n} till (kb lint listar alla).",
    "reviews_never": "aldrig",
    "reviews_no_owner": "ingen angiven",
    "reviews_check": "Stämmer de fortfarande? Knappen markerar dem som granskade i dag. Behöver något ändras: ändra filen, och skriv sedan ”{command}”.",
    "reviews_button": "Granskade i dag",
    "reviewed_gone": "Artikeln {article} finns inte i dina områden.",
    "reviewed_done": "Markerade som granskade i dag ({day}): {articles}. Boten läser in det inom en minut.",
    "reviewed_failed": "{article} kunde inte markeras: {why}",
    "reviewed_too_many": "Högst {n} artiklar åt gången; de övriga {left} är inte markerade.",
    "draft_from_base": "Ärendet besvarades med artikeln {article}, som redan finns i kunskapsbanken.",
    "draft_needs_answer": "Ärende {ticket} har inget svar att göra en artikel av än. Svara först (svara {ticket} …).",
    "draft_failed": "Det gick inte: {why}.",
    "draft_made": "Utkastet {article} ligger i {path}. Områdesansvarig går igenom det (utkast).",
    "draft_for_lead": "Nytt utkast till artikel ur ett besvarat ärende: **{title}** ({article}, {path}). Områdesansvarig: skriv ”utkast” för att publicera eller slänga det.",
    "drafts_none": "Inga utkast väntar för dina områden.",
    "draft": "Utkast {n} av {of}: **{title}** ({article})",
    "draft_edit": "Vill du ändra något gör du det i filen {path} först.",
    "draft_hint": "Skriv ”{publish}” för att lägga in det i kunskapsbanken, eller ”{discard}”.",
    "draft_publish": "Publicera",
    "draft_discard": "Släng",
    "draft_gone": "Det finns inget utkast {article} för dina områden.",
    "draft_published": "Publicerat. Boten svarar med artikeln inom en minut.",
    "draft_discarded": "Utkastet är borttaget.",
    "draft_no_folder": "Den här boten vet inte var artiklarna och utkasten ligger, så utkast går inte att publicera här.",
    # the yearly question to the people an area served (bot/survey.py)
    "survey_intro": "En gång om året frågar jag dem som fått hjälp av **{area}** hur det har gått: tre korta frågor, anonymt. Svaren sparas utan ditt namn, bara med område och förvaltning. Vill du inte ha sådana frågor, skriv ”inga enkäter”.",
    "survey_reminder": "Påminnelse: för en vecka sedan frågade jag hur stödet från **{area}** har fungerat i år – tre korta frågor, anonymt. Vill du inte ha sådana frågor, skriv ”inga enkäter”.",
    "survey_q1": "**Fråga 1 av 3.** Hur väl fick du stöd av {area} under året?\nSvara med en siffra:",
    "survey_q2": "**Fråga 2 av 3.** Hur lätt var det att hitta rätt väg till hjälpen från {area}?\nSvara med en siffra:",
    "survey_q3": "**Fråga 3 av 3.** Finns det en sak som {area} kan göra bättre? Skriv den med egna ord (utan namn eller personnummer), eller ”hoppa över”.",
    "survey_supported_1": "Inte alls",
    "survey_supported_2": "Dåligt",
    "survey_supported_3": "Godtagbart",
    "survey_supported_4": "Bra",
    "survey_supported_5": "Mycket bra",
    "survey_findable_1": "Mycket svårt",
    "survey_findable_2": "Ganska svårt",
    "survey_findable_3": "Varken eller",
    "survey_findable_4": "Ganska lätt",
    "survey_findable_5": "Mycket lätt",
    "survey_skip": "Hoppa över",
    "survey_skip_says": "hoppa över",
    "survey_number": "Svara med en siffra från 1 till 5, eller ”hoppa över”.",
    "survey_thanks": "Tack för dina svar! De sparas utan ditt namn och ingår i årsanalysen för {area}.",
    "survey_thanks_none": "Okej, inga svar om {area} den här gången.",
    "survey_done": "Frågorna om {area} är redan besvarade, så jag sparar inget mer.",
    "survey_off": "Okej, jag skickar inga fler enkäter till dig. Skriv ”enkäter” om du ändrar dig.",
    "survey_on": "Okej, du får enkäterna igen: en gång om året för varje område som hjälpt dig. Skriv ”inga enkäter” för att slippa dem.",
    # the new manager's introduction (bot.intro)
    "intro_welcome": (
        "Välkommen som ny chef! Under {weeks} veckor får du varje måndag 2–3 artiklar "
        "om det en ny chef behöver veta, som en kort checklista. Tryck Klart när du har "
        "läst en, eller Påminn mig nästa vecka. ”min introduktion” visar hur långt du har "
        "kommit, och ”avsluta introduktion” tar dig ur den. Här är vecka 1:"
    ),
    "intro_back": "Välkommen tillbaka till introduktionen. Du fortsätter där du var:",
    "intro_already": "Du går redan introduktionen för nya chefer och är i vecka {week}. Veckans lista:",
    "intro_already_ended": "Du har gått igenom hela introduktionen. Skriv ”min introduktion” för att se den.",
    "intro_not_on": "Du går inte introduktionen för nya chefer. Skriv ”jag är ny chef”, så börjar den.",
    "intro_not_here": "Introduktionen visar jag bara när du skriver till mig direkt. Skriv till mig i ett direktmeddelande.",
    "intro_week": "**Din introduktion – vecka {week} av {of}**",
    "intro_week_hint": (
        "Skriv numret för att läsa artikeln. ”klart 1” när du är klar med den, "
        "”påminn 1” så kommer den igen nästa vecka."
    ),
    "intro_week_empty": "Vecka {week} av {of}: du har inget kvar den här veckan. Skriv ”min introduktion” för att se hela vägen.",
    "intro_article_hint": "Skriv ”klart {n}” när du är klar med den, eller ”påminn {n}” för nästa vecka.",
    "intro_button_done": "Klart",
    "intro_button_later": "Påminn mig nästa vecka",
    "intro_done": "Bra! **{title}** är klar. Du har gjort {done} av {total}.",
    "intro_done_all": "Bra! **{title}** är klar, och därmed hela introduktionen: {done} av {total}.",
    "intro_already_done": "**{title}** har du redan markerat som klar.",
    "intro_later": "Okej, **{title}** kommer igen i vecka {week}.",
    "intro_not_yet": "**{title}** kommer i vecka {week}, så den behöver du inte flytta.",
    "intro_no_later": "Det här är introduktionens sista vecka, så **{title}** kan inte flyttas. Den finns kvar i ”min introduktion”.",
    "intro_which": "Vilken artikel? Skriv ett nummer mellan 1 och {n} från den senaste listan, till exempel ”klart 1”.",
    "intro_which_none": "Vilken artikel? Skriv ”min introduktion” för att se dem.",
    "intro_left": "Du har lämnat introduktionen för nya chefer och får inga fler veckolistor. Skriv ”jag är ny chef” om du vill fortsätta.",
    "intro_overview": "**Din introduktion** – vecka {week} av {of}, {done} av {total} artiklar klara.",
    "intro_week_label": "Vecka {week}",
    "intro_now": "(nu)",
    "intro_behind": "(efter)",
    "intro_moved": "flyttad till vecka {week}",
    "intro_legend": "✓ klar · ○ kvar · → flyttad",
    "intro_overview_hint": "Skriv ”klart” och artikelns nummer i veckans lista när du har läst den.",
    "intro_ended": "Introduktionen är slut. Artiklarna finns kvar: ställ en fråga som vanligt.",
    "intro_final": "Nu har du gått introduktionens alla veckor – {done} av {total} artiklar är klara. Lycka till som chef!",
    "intro_final_left": "Kvar att läsa (fråga mig när du vill):",
    "intro_hr_only": "Det här visar jag bara för {area}.",
    "intro_hr_header": "**Introduktionen för nya chefer** ({total} artiklar). Antal under 5 visas som <5.",
    "intro_hr_enrolled": "Går introduktionen",
    "intro_hr_all": "Har gjort alla artiklar",
    "intro_hr_half": "Har gjort hälften eller mer",
    "intro_hr_under_half": "Har gjort under hälften",
    "intro_hr_none": "Har inte börjat",
}

EN: dict[str, str] = {
    "greeting": (
        "Hi! I am Stödbot and I answer questions about how things are done in {municipality}, "
        "in these areas: {areas}. Ask in your own words."
    ),
    "empty": "Type a question, for example “{example}”. Type “help” for commands.",
    "too_long": (
        "The message is too long ({length} characters, at most {limit}). "
        "Shorten the question and send it again – nothing of the long message was stored."
    ),
    "answer_header": "**{title}**",
    "follow_ups": "See also:",
    "links": "Links:",
    "ask_feedback": "Was this helpful? (yes/no)",
    "clarify": "I am not sure what you mean. Is it one of these? Reply with a number.",
    "clarify_none": "None of them – reply “0” and I will pass the question on.",
    "thanks_helpful": "Thank you! Glad it helped.",
    "sorry_not_helpful": "Thanks. Shall I pass the question on to {area}? (yes/no)",
    "route_declined": "All right. Feel free to ask in another way.",
    "language_set": "I will answer in English from now on. Type “språk svenska” for Swedish.",
    "language_usage": "Type “language english” or “language swedish”.",
    "only_text": "I only read text, not images or files. Write the question in words and I will look.",
    "button_helpful": "Yes, it helped",
    "button_not_helpful": "No",
    "button_send": "Yes, send it",
    "button_dont_send": "No thanks",
    "button_none": "None of them",
    "offer_route": "I find no answer to that in the knowledge base. Shall I pass the question on to **{area}**? (yes/no)",
    "offer_route_far": "I find no answer to that in the knowledge base. I answer questions about how things are done in {municipality}, in these areas: {areas}. Shall I pass the question on to **{area}**? (yes/no)",
    "bad_choice": "Pick a number between 1 and {n}, or ask a new question.",
    "bad_choice_one": "Reply 1 to pick it, or ask a new question.",
    "help_header": "This is what you can type:",
    "help_ask": "Ask a question in your own words and I will search the knowledge base. Areas: {areas}.",
    "store_unavailable": "I cannot reach the database right now. Please try again in a moment.",
    "not_handled": "Your message could not be handled because of an error in the bot. Please write it again, in other words.",
    "score_line": "match {score:.2f}",
    "say_more": "Hi! What would you like to know? Ask in a few words, for example “{example}”.",
    "too_vague": "I do not quite understand. Could you describe the question in a few more words? Then I will search again, or pass it to the right support area.",
    "routed": (
        "I have passed the question to **{area}** "
        "as ticket **{ticket}**. They will pick it up by {claim_due}. "
        "You will get the answer here. Type “my tickets” to see where it is."
    ),
    "routed_feedback": (
        "I have passed the question to **{area}** as ticket **{ticket}**, with the answer you "
        "got attached. They will pick it up by {claim_due}. You will get the answer here."
    ),
    "routed_partner": "{area} is run by {partner}; {who} answers for the ticket here.",
    "ask_unit": "Which department or office do you work in? Reply with a number.",
    "ask_unit_after": "One more thing, once: which department or office do you work in? Then questions are counted there in the statistics (counts only). Type for example “unit 1”, or skip it.",
    "unit_set": "Thanks, I have noted {unit}.",
    "unit_skipped": "I will answer without your department and not ask again. Write “unit” if you want to set it later.",
    "my_tickets_none": "You have no tickets.",
    "my_tickets": "Your tickets:",
    "ticket_line": "**{ticket}** {status} – {area} – {question}",
    "status_open": "waiting for a handler",
    "status_claimed": "handled by {who}",
    "status_waiting": "waiting for your reply",
    "status_waiting_staff": "waiting for the asker",
    "status_resolved": "answered",
    "status_reopened": "reopened",
    "status_closed": "closed",
    "ticket_not_found": "I find no ticket {ticket} that you have access to.",
    "ticket_not_allowed": "I find no ticket {ticket} that you have access to.",
    "news_in_private": "There is news in your ticket {ticket}. Write “ticket {ticket}” to me in a direct message, and I will show it there.",
    "stale_button": "That button belongs to an earlier message, so I do nothing with it. Answer the latest one, or type what you want.",
    "not_here": "I do not show tickets here, where others read along. Write to me directly (or in the area's own room), and I will show them there.",
    "ticket_already_claimed": "Ticket {ticket} was already taken by {by}.",
    "ticket_wrong_state": "That is not possible for ticket {ticket} now (it is {status}).",
    "ticket_error": "That did not work for ticket {ticket}.",
    "usage": "Type it like this: {usage}",
    "info_added": "Thanks, I have added it to ticket {ticket}.",
    "info_added_reply": "Thanks, I have added it to ticket {ticket}, and the handler sees it. If it was a new question, write it again.",
    "waiting_reminder": "Reminder: {area} is waiting for your reply on ticket **{ticket}**. Write “ticket {ticket}” to see the question, and reply with “komplettera {ticket} …”. Without a reply the ticket closes in a few business days.",
    "waiting_closed": "Ticket **{ticket}** is closed because {area} got no reply to its question. Write “reopen {ticket}” to raise it again.",
    "info_from_asker": "The asker added to ticket **{ticket}**:\n{text}",
    "reopened": "Ticket {ticket} is reopened and back with {area}.",
    "staff_claimed": "You have taken ticket **{ticket}**.",
    "staff_unclaimed": "You have released ticket **{ticket}**; it is back in the queue.",
    "staff_answered": "The answer is sent and ticket **{ticket}** is answered.",
    "staff_asked": "The question is sent; ticket **{ticket}** waits for a reply.",
    "staff_merged": "Ticket **{ticket}** is merged into ticket **{into}**: its asker gets the answer to {into}.",
    "asker_merged": "Your ticket **{ticket}** is about the same as ticket **{into}** with {area}, so they are handled together. You get the answer here.",
    "asker_answer_merged": "Answer to your ticket **{ticket}** (handled together with ticket {into}) from {area}:\n\n{text}\n\nIf it did not solve it, write “reopen {ticket}”.",
    "staff_noted": "The note is saved on ticket **{ticket}** (the asker does not see it).",
    "staff_transferred": "Ticket **{ticket}** is moved to {area}.",
    "staff_resolved": "Ticket **{ticket}** is resolved.",
    "asker_claimed": "{who} at {area} has taken your ticket **{ticket}**.",
    "asker_answer": "Answer to your ticket **{ticket}** from {area}:\n\n{text}\n\nDid that solve it? (yes/no)",
    "asker_question": "{area} needs more about ticket **{ticket}**:\n\n{text}\n\nWrite your reply here and it is added to the ticket (or “komplettera {ticket} …”).",
    "asker_transferred": "Your ticket **{ticket}** was moved to {area}, who will handle it.",
    "asker_resolved": "Your ticket **{ticket}** is resolved.{text}\n\nDid that solve it? (yes/no)",
    "ticket_closed_thanks": "Thanks! Ticket {ticket} is closed.",
    "rating_question": "How satisfied are you with the help on ticket **{ticket}**?\nReply with a number:",
    "rating_1": "Not at all satisfied",
    "rating_2": "Not very satisfied",
    "rating_3": "Neither",
    "rating_4": "Satisfied",
    "rating_5": "Very satisfied",
    "rated": "Thank you! To tell {area} more, write “comment {ticket} …”. Only they see it.",
    "commented": "Thank you, {area} will see your comment.",
    "close_notice": (
        "Your ticket **{ticket}** with {area} has been answered, but I have not heard whether "
        "the answer solved it. It closes {closes}. Write “reopen {ticket}” if it is not solved."
    ),
    "auto_closed": "Your ticket **{ticket}** is closed. Write “reopen {ticket}” if you need to raise it again.",
    "ticket_reopen_offer": "Then I reopen ticket {ticket} so that {area} looks again.",
    "queue_empty": "The queue is empty for {areas}.",
    "queue_header": "Tickets for {areas}:",
    "queue_line": "**{ticket}** {status} – {unit} – {question} (take by {claim_due})",
    "not_staff": "That command is for the support areas' staff.",
    "card": (
        "New ticket **{ticket}** for **{area}**\n"
        "Question: {question}\nDepartment: {unit}\nTake by: {claim_due} · Resolve by: {resolve_due}\n"
        "Commands: !ta {ticket} · !svara {ticket} … · !fråga {ticket} … · !notera {ticket} … · "
        "!flytta {ticket} AREA reason · !lös {ticket}"
    ),
    "card_state": "Ticket **{ticket}** – {area} – {status}",
    "card_moved": "Ticket **{ticket}** was moved from {area} to **{to}**.",
    "card_title": "New ticket {ticket} for {area}",
    "card_title_state": "Ticket {ticket} – {area} – {status}",
    "card_question": "Question:",
    "card_escalated": "Escalated",
    "ticket_has_pnr": (
        "⚠ The ticket contains a personal identity number – handle it as a public record "
        "with personal data (secrecy review before disclosure)."
    ),
    "card_unit": "Department",
    "card_claim_due": "Take by",
    "card_resolve_due": "Resolve by",
    "card_refused": "Ticket {ticket}: you may not see it.",
    "card_claim": "Claim",
    "card_answer": "Answer",
    "card_answer_label": "Answer to the asker",
    "card_note": "Internal note",
    "card_note_label": "Not shown to the asker",
    "card_move": "Move",
    "card_move_label": "Area and reason, e.g. “it about access rights”",
    "card_resolve": "Resolve",
    "card_send": "Send",
    "card_input_required": "Write something first",
    "card_fallback_buttons": "Buttons (you can also type the answer):",
    "card_fallback_type": "type “{text}”",
    "card_fallback_type_text": "type “{text}” and your text",
    "escalated": (
        "Ticket **{ticket}** for {area} was not taken within the target ({claim_due}). "
        "{lead}, can you make sure someone takes it?"
    ),
    "ticket_view": "Ticket **{ticket}** – {area} – {status}\nQuestion: {question}",
    "ticket_event": "- {at} {who}: {text}",
    "confidential_hidden": "(confidential – shown to the area only)",
    "unknown_unit": "unknown department",
    "unknown_area": "There is no area called {area}. Areas: {areas}.",
    "unknown_article": "There is no article with id {article} in the knowledge base. An article's id is in its file (id:).",
    "areas_header": "The support areas of {municipality}:",
    "area_line_lead": "answers: {lead}",
    "areas_more": "Write for example “what does {example} do?” for what an area does and promises.",
    "area_serves": "For: {who}.",
    "area_promises": "The area promises:",
    "area_promise_claim": "a ticket is claimed within {hours} business hours",
    "area_promise_resolve": "a ticket is resolved within {hours} business hours",
    "area_promise_answered": "at least {share} % of questions answered at once, without a ticket",
    "area_promise_satisfaction": "satisfaction with tickets at least {mean} of 5",
    "area_lead": "Lead: {lead}",
    "area_partner": "Run by: {partner}",
    "area_local_contact": "Local contact, answers for the area here: {contact}",
    "area_plan": "Business plan: {title}: {url}",
    "year_header": "**Yearly analysis {year}: {area}** (counts only; under 5 shown as “<5”)",
    "none": "none",
    "year_change": " ({change} % against the year before)",
    "year_questions": "- Questions: {n}{change}; {before}: {was}",
    "year_answered": "- Answered by the bot: {share} ({n} questions)",
    "year_tickets": "- Tickets: {n}; median {claim} business hours to claim",
    "year_satisfaction": "- Satisfaction with tickets: {mean} of 5",
    "year_commitments": "- Promises kept: {met}. Not kept: {missed}.",
    "year_commitment_claim": "time to claim (median)",
    "year_commitment_resolve": "time to resolve (median)",
    "year_commitment_answered_share": "share answered by the bot",
    "year_commitment_satisfaction": "satisfaction",
    "year_needs": "- New needs, groups of questions: new this year {new}, growing {growing}.",
    "year_link": "The whole analysis, with a Word document for the yearly dialogue (the link works for 14 days): {url}",
    "year_link_all": "Every area's yearly analysis (the link works for 14 days): {url}",
    "year_link_in_private": "Write “yearly report” to me directly for the link to the whole analysis.",
    "year_no_link": "The whole analysis in the terminal: stodbot report yearly --area {area} --year {year} (the dashboard is not on).",
    "year_pick_area": "Say which area, for example “yearly report hr”.",
    "year_out_of_range": "The yearly analysis is there for {first}–{last}, for example “yearly report hr {last}”.",
    "year_not_allowed": "An area's yearly analysis is read by its lead (their own area) and by leadership.",
    "suggestions_none": "No suggestions are waiting for your areas.",
    "suggestions_not_here": "The suggestions are people's own words; I do not show them here, where others read along. Write “suggestions” to me directly (or in the area's own room).",
    "suggestions_leads_only": "Area leads go through the suggestions (lead_user in the organisation file).",
    "suggestion": "Suggestion {n} of {of}, for the article **{title}** ({source}):",
    "suggestion_from_clarify": "someone picked the article among the choices and said it helped",
    "suggestion_from_ticket": "a member of staff answered the ticket with the article",
    "suggestion_check": "Personal identity numbers, phone numbers, e-mail addresses and known names are removed. Read it anyway: if something about a person is left, skip it.",
    "suggestion_hint": "Write “{accept}” to add it to the article as a phrasing, or “{skip}”.",
    "suggestion_accept": "Accept",
    "suggestion_skip": "Skip",
    "suggestion_usage": "Type it like this: accept 12 or skip 12 (the number is in the suggestion).",
    "suggestion_gone": "There is no suggestion {n} for your areas.",
    "suggestion_decided": "Suggestion {n} has been decided already.",
    "suggestion_unwritable": "Suggestion {n} could not be written: {why} It is still waiting.",
    "suggestion_accepted": "Written into the article. The bot uses it within a minute.",
    "suggestion_skipped": "It will not be suggested again.",
    "suggestions_weekly": "This week's suggestions for **{area}** ({n} waiting): wordings from real questions, for the area lead to accept or skip.",
    "reviews_due": "Time to review **{area}**: these articles have not been reviewed for a year (reviewed in the file).",
    "reviews_item": "- **{title}** (`{article}`), owner: {owner}, reviewed {reviewed}",
    "reviews_more": "… and {n} more (kb lint lists them all).",
    "reviews_never": "never",
    "reviews_no_owner": "none given",
    "reviews_check": "Are they still right? The button marks them reviewed today. If something needs changing: change the file, then write “{command}”.",
    "reviews_button": "Reviewed today",
    "reviewed_gone": "The article {article} is not in your areas.",
    "reviewed_done": "Marked as reviewed today ({day}): {articles}. The bot reads it within a minute.",
    "reviewed_failed": "{article} could not be marked: {why}",
    "reviewed_too_many": "At most {n} articles at a time; the other {left} are not marked.",
    "draft_from_base": "The ticket was answered with the article {article}, which is in the knowledge base already.",
    "draft_needs_answer": "Ticket {ticket} has no answer to make an article of yet. Answer it first (answer {ticket} …).",
    "draft_failed": "That did not work: {why}.",
    "draft_made": "The draft {article} is in {path}. The area lead goes through it (drafts).",
    "draft_for_lead": "A new draft article from an answered ticket: **{title}** ({article}, {path}). Area lead: write “drafts” to publish or discard it.",
    "drafts_none": "No drafts are waiting for your areas.",
    "draft": "Draft {n} of {of}: **{title}** ({article})",
    "draft_edit": "To change anything, edit the file {path} first.",
    "draft_hint": "Write “{publish}” to put it into the knowledge base, or “{discard}”.",
    "draft_publish": "Publish",
    "draft_discard": "Discard",
    "draft_gone": "There is no draft {article} for your areas.",
    "draft_published": "Published. The bot answers with the article within a minute.",
    "draft_discarded": "The draft is deleted.",
    "draft_no_folder": "This bot does not know where its articles and drafts are, so drafts cannot be published here.",
    "survey_intro": "Once a year I ask the people **{area}** helped how it went: three short questions, anonymous. The answers are kept without your name, only with the area and department. If you do not want such questions, write “no surveys”.",
    "survey_reminder": "Reminder: a week ago I asked how the support from **{area}** worked this year – three short questions, anonymous. If you do not want such questions, write “no surveys”.",
    "survey_q1": "**Question 1 of 3.** How well did {area} support you this year?\nReply with a number:",
    "survey_q2": "**Question 2 of 3.** How easy was it to find the right way to help from {area}?\nReply with a number:",
    "survey_q3": "**Question 3 of 3.** Is there one thing {area} could do better? Write it in your own words (no names or personal numbers), or “skip”.",
    "survey_supported_1": "Not at all",
    "survey_supported_2": "Poorly",
    "survey_supported_3": "Acceptably",
    "survey_supported_4": "Well",
    "survey_supported_5": "Very well",
    "survey_findable_1": "Very hard",
    "survey_findable_2": "Rather hard",
    "survey_findable_3": "Neither",
    "survey_findable_4": "Rather easy",
    "survey_findable_5": "Very easy",
    "survey_skip": "Skip",
    "survey_skip_says": "skip",
    "survey_number": "Reply with a number from 1 to 5, or “skip”.",
    "survey_thanks": "Thank you for your answers! They are kept without your name and go into the yearly analysis for {area}.",
    "survey_thanks_none": "All right, no answers about {area} this time.",
    "survey_done": "The questions about {area} are answered already, so I store nothing more.",
    "survey_off": "All right, I will send you no more surveys. Write “surveys” if you change your mind.",
    "survey_on": "All right, you will get the surveys again: once a year for each area that helped you. Write “no surveys” to stop them.",
    # the new manager's introduction (bot.intro)
    "intro_welcome": (
        "Welcome as a new manager! For {weeks} weeks you get 2–3 articles every Monday "
        "on what a new manager needs to know, as a short checklist. Press Done when you "
        "have read one, or Remind me next week. “my introduction” shows how far you have "
        "come, and “leave introduction” takes you off it. Here is week 1:"
    ),
    "intro_back": "Welcome back to the introduction. You go on where you were:",
    "intro_already": "You are on the new manager's introduction already, in week {week}. This week's list:",
    "intro_already_ended": "You have been through the whole introduction. Write “my introduction” to see it.",
    "intro_not_on": "You are not on the new manager's introduction. Write “I am a new manager” to start it.",
    "intro_not_here": "I show the introduction only when you write to me directly. Send me a direct message.",
    "intro_week": "**Your introduction – week {week} of {of}**",
    "intro_week_hint": (
        "Write the number to read the article, “done 1” when you are done with it, "
        "“remind 1” to get it again next week. The articles are in Swedish."
    ),
    "intro_week_empty": "Week {week} of {of}: nothing left this week. Write “my introduction” to see the whole path.",
    "intro_article_hint": "Write “done {n}” when you are done with it, or “remind {n}” for next week.",
    "intro_button_done": "Done",
    "intro_button_later": "Remind me next week",
    "intro_done": "Good! **{title}** is done. You have done {done} of {total}.",
    "intro_done_all": "Good! **{title}** is done, and with it the whole introduction: {done} of {total}.",
    "intro_already_done": "You have marked **{title}** as done already.",
    "intro_later": "All right, **{title}** comes again in week {week}.",
    "intro_not_yet": "**{title}** comes in week {week}, so there is no need to move it.",
    "intro_no_later": "This is the introduction's last week, so **{title}** cannot be moved. It stays in “my introduction”.",
    "intro_which": "Which article? Write a number from 1 to {n} from the latest list, for example “done 1”.",
    "intro_which_none": "Which article? Write “my introduction” to see them.",
    "intro_left": "You have left the new manager's introduction and get no more weekly lists. Write “I am a new manager” to go on.",
    "intro_overview": "**Your introduction** – week {week} of {of}, {done} of {total} articles done.",
    "intro_week_label": "Week {week}",
    "intro_now": "(now)",
    "intro_behind": "(behind)",
    "intro_moved": "moved to week {week}",
    "intro_legend": "✓ done · ○ left · → moved",
    "intro_overview_hint": "Write “done” and the article's number in this week's list when you have read it.",
    "intro_ended": "The introduction is over. The articles stay: ask a question as usual.",
    "intro_final": "You have now been through all the introduction's weeks – {done} of {total} articles are done. Good luck as a manager!",
    "intro_final_left": "Left to read (ask me any time):",
    "intro_hr_only": "I show this only to {area}.",
    "intro_hr_header": "**The new manager's introduction** ({total} articles). Counts under 5 are shown as <5.",
    "intro_hr_enrolled": "On the introduction",
    "intro_hr_all": "Have done every article",
    "intro_hr_half": "Have done half or more",
    "intro_hr_under_half": "Have done less than half",
    "intro_hr_none": "Have not started",
}

LANGUAGES = {"sv": SV, "en": EN}
YES = frozenset({"ja", "j", "japp", "jo", "yes", "y", "👍", "tack", "absolut", "precis"})
NO = frozenset({"nej", "n", "nä", "nää", "no", "👎", "inte", "nope"})


_STOCKHOLM = ZoneInfo("Europe/Stockholm")


def swedish_time(value: datetime, tz: ZoneInfo = _STOCKHOLM) -> str:
    """Swedish date and time: "27 nov 2026 kl. 10.30" (local time)."""
    local = value.astimezone(tz)
    return f"{local.day} {_MONTHS_SV[local.month - 1]} {local.year} kl. {local:%H.%M}"


def english_time(value: datetime, tz: ZoneInfo = _STOCKHOLM) -> str:
    local = value.astimezone(tz)
    return f"{local.day} {local:%b %Y %H:%M}"


_MONTHS_SV = ("jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec")
MONTHS_SV_LONG = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip


def swedish_date(day: date) -> str:
    """A date as Swedish documents write it: "2 december 2026"."""
    return f"{day.day} {MONTHS_SV_LONG[day.month - 1]} {day.year}"


# One line in the asker's own language when the question was not in Swedish: the
# frame text can follow only Swedish and English, the articles stay Swedish.
IN_SWEDISH = {
    "en": "The articles are in Swedish.",
    "fi": "Artikkelit ovat ruotsiksi.",
    "ar": "المقالات باللغة السويدية.",
    "fa": "مقاله‌ها به زبان سوئدی هستند.",
    "so": "Maqaaladu waxay ku qoran yihiin af Iswiidhish.",
}


class Texts:
    def __init__(self, language: str = "sv") -> None:
        self.language = language if language in LANGUAGES else "sv"
        self._table = LANGUAGES[self.language]

    def __call__(self, key: str, **values: Any) -> str:
        return self._table[key].format(**values)

    def time(self, value: datetime) -> str:
        return english_time(value) if self.language == "en" else swedish_time(value)

    def number(self, value: float) -> str:
        """4 -> "4", 4.5 -> "4,5" in Swedish ("4.5" in English)."""
        text = f"{value:g}"
        return text if self.language == "en" else text.replace(".", ",")
