"""Word pools for realistic names: Arabic first, then English and other non-ASCII scripts (pure)."""

from __future__ import annotations

AR_PRODUCTS = (
    "كابل شحن",
    "شاحن جداري",
    "سماعة بلوتوث",
    "مصباح ليد",
    "بطارية متنقلة",
    "محول كهربائي",
    "لوحة مفاتيح",
    "فأرة لاسلكية",
    "شاشة حاسوب",
    "مروحة مكتبية",
    "خلاط كهربائي",
    "مكواة بخار",
    "ساعة حائط",
    "حقيبة ظهر",
    "سخان ماء",
    "مدفأة زيتية",
)
AR_QUALIFIERS = ("أسود", "أبيض", "ذكي", "صغير", "كبير", "منزلي", "صناعي", "فضي", "ذهبي")
EN_PRODUCTS = (
    "USB-C Cable",
    "Wall Charger",
    "Bluetooth Headset",
    "LED Bulb",
    "Power Bank",
    "HDMI Adapter",
    "Wireless Keyboard",
    "Optical Mouse",
    "Monitor 24in",
    "Desk Fan",
    "Blender",
    "Steam Iron",
    "Extension Cord",
    "Water Heater",
    "Smart Plug",
)
OTHER_PRODUCTS = (
    "Ladekabel für Auto",
    "Câble chargeur rapide",
    "Şarj Kablosu",
    "Зарядное устройство",
    "充電ケーブル",
    "Lámpara de escritorio",
    "Słuchawki bezprzewodowe",
    "Ventilátor stolní",
)
BRANDS = ("Anker", "Baseus", "Xiaomi", "Philips", "Ugreen", "Samsung", "Hoco", "Joyroom", "Tefal", "Braun")
UNITS = ("pcs", "box", "set", "kg", "m", "قطعة", "كرتون")

AR_FIRST = (
    "محمد",
    "علي",
    "حسين",
    "أحمد",
    "زينب",
    "فاطمة",
    "مريم",
    "عمر",
    "يوسف",
    "نور",
    "سارة",
    "كرار",
    "مصطفى",
    "رقية",
)
AR_LAST = ("الجبوري", "العبيدي", "الربيعي", "التميمي", "الخفاجي", "الساعدي", "الدليمي", "الزبيدي", "الموسوي")
LATIN_FIRST = ("Omar", "Layla", "Hassan", "Sara", "John", "Maria", "Jürgen", "Zoë", "Çağla", "Łukasz", "José")
LATIN_LAST = (
    "Haddad",
    "Khalil",
    "Smith",
    "Müller",
    "Yılmaz",
    "Nowak",
    "García",
    "Öztürk",
    "Dubois",
    "Kowalski",
)

AR_COMPANY_ROOTS = (
    "النور",
    "الرافدين",
    "دجلة",
    "الفرات",
    "بابل",
    "الأمل",
    "السلام",
    "المستقبل",
    "الخليج",
    "سومر",
)
AR_COMPANY_FORMS = ("شركة {} للتجارة العامة", "مؤسسة {} التجارية", "مكتب {} للتجهيزات", "معرض {}")
LATIN_COMPANY_ROOTS = (
    "Global",
    "Tigris",
    "Euphrates",
    "Münchner",
    "İstanbul",
    "Gulf Star",
    "Crescent",
    "Orion",
)
LATIN_COMPANY_FORMS = ("{} Trading LLC", "{} GmbH", "{} Electronics Ltd", "{} Supplies", "{} Import & Export")

# (city, state, state code, country, country code)
CITIES = (
    ("بغداد", "بغداد", "BG", "Iraq", "IQ"),
    ("البصرة", "البصرة", "BA", "Iraq", "IQ"),
    ("أربيل", "أربيل", "AR", "Iraq", "IQ"),
    ("الموصل", "نينوى", "NI", "Iraq", "IQ"),
    ("النجف", "النجف", "NA", "Iraq", "IQ"),
    ("كربلاء", "كربلاء", "KA", "Iraq", "IQ"),
    ("Dubai", "Dubai", "DU", "United Arab Emirates", "AE"),
    ("İstanbul", "İstanbul", "34", "Türkiye", "TR"),
    ("München", "Bayern", "BY", "Germany", "DE"),
)
STREETS = (
    "شارع الرشيد",
    "شارع فلسطين",
    "حي المنصور",
    "شارع الكرادة",
    "Sheikh Zayed Rd",
    "İstiklal Cd.",
    "Leopoldstraße",
)
WAREHOUSE_NAMES = (
    "المخزن الرئيسي",
    "مخزن البصرة",
    "مخزن أربيل",
    "Dubai Transit",
    "مخزن الموصل",
    "مخزن النجف",
)
ADJUSTMENT_REASONS = ("تلف", "جرد دوري", "Stock count", "Damaged goods", "سرقة", "إرجاع من الزبون")
PAYMENT_MODES = (
    ("cash", "Cash"),
    ("banktransfer", "Bank Transfer"),
    ("check", "Check"),
    ("creditcard", "Credit Card"),
)
