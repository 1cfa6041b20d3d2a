"""The newsroom's vocabulary for generated content: places, people, subjects and sentences.

Every place and person is invented. Quotation marks and apostrophes are typographic (’ “ ”):
escaping leaves them alone, so a generated body is already what the sanitiser would store.
"""

# (name, slug, share of the articles in per cent, description). The first five are the demo's.
# World is big enough for deep pages: 28,000 of 100,000 articles is 2,300 pages.
SECTIONS = [
    ("World", "world", 28, "International news, regional crises and diplomacy."),
    ("Politics", "politics", 14, "Elections, legislation and the decisions of governments."),
    ("Business", "business", 11, "Companies, markets, jobs and the wider economy."),
    ("Technology", "technology", 8, "How new technology is built, regulated and used."),
    ("Science", "science", 6, "Research, discoveries and the scientists behind them."),
    ("Health", "health", 7, "Hospitals, medicine, public health and care."),
    ("Environment", "environment", 6, "Climate, weather, rivers, coasts and the land."),
    ("Sport", "sport", 9, "Results, transfers and the people who play."),
    ("Culture", "culture", 5, "Books, music, film, theatre and the arts."),
    ("Education", "education", 2, "Schools, universities and the people who teach in them."),
    ("Local", "local", 3, "The towns and neighbourhoods of the region."),
    ("Opinion", "opinion", 1, "Columns and arguments from our writers."),
]

# Two-word names are written with "_" in these lists.
PLACES = [
    name.replace("_", " ")
    for name in """Northbridge Eastmoor Harrowgate Lindenfeld Port_Avery Kestrel_Bay Millbrook
    Ashford_Vale Greywater Oakhurst Redcliff Saltmarsh Thornbury Westhaven Brightwell Calderholm
    Dunmore Fairhaven Glenrock Holloway Ironbridge Juniper_Falls Kingsmere Larkspur Marwick
    Newhaven_Cross Orchard_Hill Pemberton Queensford Rivermouth Stonegate Tarrowby Upton_Reach
    Valemont Wexley Yarrowdale Zennor_Point Cobalt_Coast Amberley Brackenridge""".split()
]

FIRST_NAMES = """Ada Amara Anton Beatrix Bruno Camille Dario Delphine Elias Esme Felix Freya Gideon
Greta Hugo Ingrid Isaac Jonas Juno Kasimir Leona Lorenzo Magda Malik Nadia Nikolai Odile Oskar
Priya Quentin Rosa Rufus Saskia Soren Tamsin Teodor Una Viktor Wilhelmina Xavier Yara Zofia Milo
Clara Emil Hana Ravi Sione Tove""".split()
LAST_NAMES = """Abernathy Achterberg Baptiste Bellweather Castellano Cheung Dunmore Eriksen Falconer
Ferreira Galloway Hartmann Holm Iyer Jankowski Kovacs Lindqvist Lowell Marchetti Mbeki Novak Ortega
Okafor Pellegrini Quist Rasmussen Rourke Sandoval Strand Takahashi Thorne Underhill Varga Vance
Whitlock Winslow Xu Yilmaz Zamora Ashdown Brennan Calloway Devereux Esposito Fontaine Grieve
Hallam Ibarra Juhl Kettering""".split()

# Topic tags by the section they mostly belong to (the same order as SECTIONS).
TOPICS = [
    """diplomacy trade-talks refugees border-dispute peace-talks sanctions summit embassy
    foreign-aid ceasefire humanitarian-aid elections-abroad migration treaty""",
    """parliament elections budget city-hall opposition coalition referendum tax-reform
    lobbying campaign-finance local-government constitution voting-rights civil-service""",
    """markets jobs inflation interest-rates small-business retail shipping manufacturing
    housing-market energy-prices startups banking trade-unions exports""",
    """artificial-intelligence cybersecurity broadband privacy social-media semiconductors
    electric-vehicles robotics software open-source data-centres space-industry gadgets apps""",
    """research space climate-science genetics physics archaeology astronomy oceanography
    biology chemistry palaeontology neuroscience volcanoes fossils""",
    """hospitals vaccines mental-health nursing public-health care-homes ambulances
    medicine nutrition pandemic-preparedness dentistry cancer-care waiting-lists""",
    """floods drought wildfires wind-power solar-power recycling air-quality rivers
    coastal-erosion wildlife forests heatwaves storms water-supply""",
    """football rugby athletics cycling sailing tennis cricket swimming rowing
    transfers youth-sport olympics marathon basketball""",
    """books music film theatre museums festivals art-exhibitions architecture
    photography dance television poetry opera heritage""",
    """schools universities exams teachers student-loans apprenticeships childcare
    school-meals curriculum research-funding""",
    """roads public-transport libraries parks markets-and-fairs planning bin-collections
    town-centres policing cycling-lanes ferries""",
    """columns letters editorials analysis essays""",
]

# Further tags that belong to no one section.
GENERAL_TAGS = """accountability anniversary investigation interview explainer obituary review
profile fact-check long-read photo-essay live-coverage data-journalism correction-notice
families volunteers charity protest court-case inquiry strike safety accessibility
infrastructure transport energy water housing poverty pensions tourism farming fishing
weather history innovation regulation transparency corruption debate""".split()

SUBJECTS = [
    s.replace("_", " ")
    for s in """council mayor ministers teachers nurses scientists researchers farmers residents
    regulators shipbuilders rail_operator energy_firm hospital_trust university police court
    museum festival_organisers fishermen dock_workers union central_bank chipmaker carmaker
    water_company airport port_authority club orchestra voters parliament opposition campaigners
    engineers coastguard fire_service library_board housing_association""".split()
]

# (base form, past form) of what the subjects do.
ACTIONS = [
    ("approve", "approved"),
    ("reject", "rejected"),
    ("delay", "delayed"),
    ("unveil", "unveiled"),
    ("back", "backed"),
    ("review", "reviewed"),
    ("cut", "cut"),
    ("expand", "expanded"),
    ("open", "opened"),
    ("close", "closed"),
    ("launch", "launched"),
    ("investigate", "investigated"),
    ("fund", "funded"),
    ("scrap", "scrapped"),
    ("defend", "defended"),
    ("revive", "revived"),
    ("overhaul", "overhauled"),
    ("pause", "paused"),
    ("extend", "extended"),
    ("challenge", "challenged"),
]

OBJECTS = [
    s.replace("_", " ")
    for s in """harbour_plan school_budget flood_defences rail_timetable housing_scheme wind_farm
    bus_routes hospital_wing water_tariffs cycle_lanes library_hours tax_relief clean_air_zone
    research_grant stadium_deal port_expansion ferry_service night_trains recycling_rules
    heat_pump_subsidy teacher_contracts vaccine_programme broadband_rollout solar_park
    museum_extension trade_agreement coastal_path river_clean-up youth_league arts_fund
    pension_reform data_centre airport_runway fishing_quota bridge_repairs rent_controls
    election_rules satellite_launch chip_factory drought_measures tram_line sea_wall
    concert_hall care_home_standards""".split()
]

EVENTS = [
    "a long debate",
    "public protests",
    "a late-night vote",
    "a safety review",
    "record rainfall",
    "a funding row",
    "months of talks",
    "a court ruling",
    "a cyber attack",
    "a summer heatwave",
    "strike action",
    "a budget shortfall",
    "a critical audit",
    "a petition of 40,000 names",
    "a landslide",
    "a change of leadership",
    "an independent inquiry",
    "a surprise resignation",
]

CONCERNS = [
    "rising costs",
    "delays",
    "lost jobs",
    "damage to wildlife",
    "higher bills",
    "longer journeys",
    "a shortage of staff",
    "flooding downstream",
    "noise at night",
    "the loss of green space",
    "thin evidence",
    "a rushed consultation",
]

EFFECTS = [
    "save money",
    "create hundreds of jobs",
    "cut journey times",
    "reduce emissions",
    "protect homes",
    "bring visitors back",
    "ease pressure on hospitals",
    "lower bills",
    "open up the waterfront",
    "keep schools open",
]

TIMEFRAMES = [
    "within a year",
    "by next spring",
    "over the coming decade",
    "before the winter",
    "by the end of the summer",
    "in the next five years",
    "as early as next month",
]

ROLES = [
    "a spokesperson",
    "the chair",
    "a senior engineer",
    "the director",
    "a local resident",
    "a researcher",
    "the treasurer",
    "a campaigner",
    "the head teacher",
    "a shop owner",
]

QUOTES = [
    "We have listened, and we think this is the right balance",
    "Nobody asked the people who will live with the consequences",
    "It is not perfect, but it is a start",
    "The numbers simply do not add up",
    "This is the most important decision the town has made in a generation",
    "We will keep pushing until the work is finished",
    "People here are tired of promises",
    "The evidence points clearly in one direction",
    "We expect the first results within months",
    "It is a good day for the whole region",
    "There are still too many questions without answers",
    "Our members voted overwhelmingly in favour",
]

# General vocabulary for the rest of a story, roughly from common to rare.
NOUNS = """plan report year week people town city region government council money time work
school family community service project decision market price cost road water energy
building street river coast station harbour park hospital centre office company business
figure number study evidence meeting vote proposal budget programme agreement scheme
system network policy schedule budget share record rise fall change level rate season
weekend morning evening summer winter spring autumn committee board panel inquiry review
survey audit estimate forecast warning document letter statement response request
application licence permit contract tender bid loan grant subsidy levy fee tax tariff
charge fine payment salary pension benefit allowance debt surplus deficit reserve fund
account bill invoice receipt ledger bridge tunnel viaduct pier jetty quay wharf dock
lighthouse ferry tram bus train platform depot junction roundabout crossing footpath
bridleway towpath canal reservoir dam weir sluice lock floodgate embankment levee dune
marsh estuary delta cove headland cliff moor heath meadow orchard vineyard allotment
greenhouse barn mill forge workshop warehouse factory foundry quarry mine refinery
turbine pylon substation pipeline cable mast antenna satellite telescope laboratory
archive gallery library theatre cinema stadium arena pavilion""".split()
ADJECTIVES = """new local public national regional final early late major small large long short
high low recent current former next previous annual monthly weekly daily independent
official private similar different important clear strong weak careful cautious open
detailed sharp steady modest sudden gradual significant serious rare common familiar
unusual remarkable quiet busy crowded empty coastal rural urban northern southern eastern
western historic modern ambitious controversial popular unpopular expensive affordable
temporary permanent urgent""".split()
VERBS_PAST = """said added explained warned argued noted confirmed announced suggested reported
estimated found showed revealed agreed expected promised planned proposed recommended
questioned criticised welcomed praised rejected accepted approved delayed completed started
finished reviewed examined measured counted recorded published""".split()
PREPOSITIONS = """in on at near beside across along around behind beyond under over through
after before during since""".split()
