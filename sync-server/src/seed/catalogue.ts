/**
 * The starting national catalogue, modelled on Bahrain's government and the 53 entities of its
 * national system: entities, their categories (the category → entity routing table), the
 * response-period settings and public holidays.
 * It is only a starting point: the coordinator edits all of it in the `config` database, and the
 * seed never overwrites those edits.
 */
import type { CaseType, CategoryDoc, EntityDoc, HolidaysDoc, SettingsDoc } from '../../../src/lib/domain/doc-types.js';

const ANY: CaseType[] = ['inquiry', 'complaint', 'suggestion'];
/** Things people report as broken: nothing to ask, something to fix or improve. */
const REPORT: CaseType[] = ['complaint', 'suggestion'];

type CategorySpec = [suffix: string, nameAr: string, nameEn: string, caseTypes?: CaseType[]];
type EntitySpec = [id: string, nameAr: string, nameEn: string, categories: CategorySpec[]];

/** Every entity also takes general inquiries and suggestions that fit none of its categories. */
const GENERAL: CategorySpec = ['general', 'استفسارات ومقترحات عامة', 'General inquiries and suggestions', ANY];

/** The four municipal councils handle the same everyday services, each in its own area. */
const MUNICIPAL: CategorySpec[] = [
	['waste', 'النظافة وجمع المخلفات', 'Cleanliness and waste collection', REPORT],
	['parks', 'الحدائق والمتنزهات', 'Parks and gardens'],
	['building-violations', 'مخالفات البناء', 'Building violations', REPORT],
	['abandoned-vehicles', 'السيارات المهملة', 'Abandoned vehicles', REPORT],
	GENERAL
];

const ENTITY_SPECS: EntitySpec[] = [
	[
		'works',
		'وزارة الأشغال',
		'Ministry of Works',
		[
			['potholes', 'حفر وتلف الطرق', 'Potholes and road damage', REPORT],
			['street-lights', 'إنارة الشوارع', 'Street lighting', REPORT],
			['sewerage', 'الصرف الصحي وطفح المجاري', 'Sewerage and sewage overflow'],
			['rainwater', 'تجمع مياه الأمطار', 'Rainwater flooding', REPORT],
			['road-projects', 'مشاريع الطرق والتحويلات المرورية', 'Road projects and diversions'],
			GENERAL
		]
	],
	[
		'municipalities',
		'وزارة شؤون البلديات والزراعة',
		'Ministry of Municipalities Affairs and Agriculture',
		[
			['agriculture', 'الخدمات الزراعية', 'Agricultural services'],
			['veterinary', 'الخدمات البيطرية', 'Veterinary services'],
			['fisheries', 'الثروة السمكية', 'Fisheries and marine resources'],
			['building-permits', 'رخص البناء', 'Building permits'],
			GENERAL
		]
	],
	[
		'health',
		'وزارة الصحة',
		'Ministry of Health',
		[
			['appointments', 'المواعيد في المراكز الصحية', 'Health centre appointments'],
			['medicines', 'توفر الأدوية', 'Availability of medicines'],
			['hospital-services', 'خدمات المستشفيات', 'Hospital services'],
			['public-health', 'الصحة العامة ومكافحة الحشرات', 'Public health and pest control', REPORT],
			GENERAL
		]
	],
	[
		'education',
		'وزارة التربية والتعليم',
		'Ministry of Education',
		[
			['registration', 'التسجيل والنقل بين المدارس', 'School registration and transfers'],
			['school-transport', 'النقل المدرسي', 'School transport'],
			['school-buildings', 'المباني المدرسية وصيانتها', 'School buildings and maintenance', REPORT],
			['certificates', 'الشهادات ومعادلتها', 'Certificates and equivalency'],
			GENERAL
		]
	],
	[
		'interior',
		'وزارة الداخلية',
		'Ministry of Interior',
		[
			['traffic', 'المرور والمخالفات المرورية', 'Traffic and traffic violations'],
			['passports', 'الجوازات والإقامة', 'Passports and residence'],
			['civil-defence', 'الدفاع المدني', 'Civil defence'],
			['community-police', 'الشرطة المجتمعية', 'Community police'],
			GENERAL
		]
	],
	[
		'ewa',
		'هيئة الكهرباء والماء',
		'Electricity and Water Authority',
		[
			['power-outage', 'انقطاع الكهرباء', 'Power outage', REPORT],
			['water-supply', 'انقطاع المياه أو ضعف الضغط', 'Water cut or low pressure', REPORT],
			['billing', 'الفواتير والدفع', 'Bills and payment'],
			['meters', 'العدادات والتوصيلات الجديدة', 'Meters and new connections'],
			GENERAL
		]
	],
	[
		'lmra',
		'هيئة تنظيم سوق العمل',
		'Labour Market Regulatory Authority',
		[['work-permits', 'تصاريح العمل', 'Work permits'], ['domestic-workers', 'العمالة المنزلية', 'Domestic workers'], ['wage-protection', 'نظام حماية الأجور', 'Wage protection system'], GENERAL]
	],
	[
		'sio',
		'الهيئة العامة للتأمين الاجتماعي',
		'Social Insurance Organization',
		[['pensions', 'المعاشات التقاعدية', 'Pensions'], ['contributions', 'الاشتراكات', 'Contributions'], ['unemployment', 'التأمين ضد التعطل', 'Unemployment insurance'], GENERAL]
	],
	[
		'slrb',
		'جهاز المساحة والتسجيل العقاري',
		'Survey and Land Registration Bureau',
		[['registration', 'تسجيل العقارات', 'Property registration'], ['survey', 'المسح وتحديد الحدود', 'Surveying and boundaries'], ['valuation', 'التثمين العقاري', 'Property valuation'], GENERAL]
	],
	[
		'iga',
		'هيئة المعلومات والحكومة الإلكترونية',
		'Information & eGovernment Authority',
		[['ekey', 'المفتاح الإلكتروني', 'eKey'], ['smart-card', 'البطاقة الذكية (الهوية)', 'Identity smart card'], ['eservices', 'الخدمات الإلكترونية', 'eServices'], GENERAL]
	],
	[
		'housing',
		'وزارة الإسكان والتخطيط العمراني',
		'Ministry of Housing and Urban Planning',
		[
			['applications', 'الطلبات الإسكانية', 'Housing applications'],
			['mazaya', 'برنامج مزايا', 'Mazaya programme'],
			['maintenance', 'صيانة الوحدات السكنية', 'Housing unit maintenance', REPORT],
			['urban-planning', 'التخطيط العمراني', 'Urban planning'],
			GENERAL
		]
	],
	[
		'social',
		'وزارة التنمية الاجتماعية',
		'Ministry of Social Development',
		[['financial-aid', 'المساعدات المالية', 'Financial aid'], ['disability', 'خدمات ذوي الإعاقة', 'Services for people with disabilities'], ['elderly', 'رعاية المسنين', 'Elderly care'], GENERAL]
	],
	[
		'labour',
		'وزارة العمل',
		'Ministry of Labour',
		[['disputes', 'المنازعات العمالية', 'Labour disputes'], ['job-seekers', 'التوظيف والباحثون عن عمل', 'Employment and job seekers'], ['training', 'التدريب المهني', 'Vocational training'], GENERAL]
	],
	[
		'justice',
		'وزارة العدل والشؤون الإسلامية والأوقاف',
		'Ministry of Justice, Islamic Affairs and Waqf',
		[['courts', 'المحاكم والدعاوى', 'Courts and lawsuits'], ['notary', 'التوثيق', 'Notary services'], ['mosques', 'المساجد والأوقاف', 'Mosques and endowments'], GENERAL]
	],
	[
		'transport',
		'وزارة المواصلات والاتصالات',
		'Ministry of Transportation and Telecommunications',
		[
			['buses', 'الحافلات العامة', 'Public buses'],
			['ports', 'الموانئ والشؤون البحرية', 'Ports and maritime affairs'],
			['civil-aviation', 'شؤون الطيران المدني', 'Civil aviation'],
			['post', 'البريد', 'Postal services'],
			GENERAL
		]
	],
	[
		'commerce',
		'وزارة الصناعة والتجارة',
		'Ministry of Industry and Commerce',
		[
			['commercial-registration', 'السجلات التجارية (سجلات)', 'Commercial registration (Sijilat)'],
			['consumer-protection', 'حماية المستهلك', 'Consumer protection'],
			['prices', 'الأسعار والغش التجاري', 'Prices and commercial fraud', REPORT],
			GENERAL
		]
	],
	[
		'youth',
		'وزارة شؤون الشباب',
		'Ministry of Youth Affairs',
		[['programmes', 'البرامج الشبابية', 'Youth programmes'], ['centres', 'المراكز الشبابية', 'Youth centres'], ['volunteering', 'التطوع', 'Volunteering'], GENERAL]
	],
	[
		'nhra',
		'الهيئة الوطنية لتنظيم المهن والخدمات الصحية',
		'National Health Regulatory Authority',
		[
			['licensing', 'ترخيص المهن الصحية', 'Health professional licensing'],
			['private-facilities', 'المنشآت الصحية الخاصة', 'Private health facilities'],
			['medicines', 'تسجيل الأدوية', 'Medicine registration'],
			GENERAL
		]
	],
	['mun-capital', 'أمانة العاصمة', 'Capital Municipality', MUNICIPAL],
	['mun-muharraq', 'بلدية المحرق', 'Muharraq Municipality', MUNICIPAL],
	['mun-northern', 'بلدية المنطقة الشمالية', 'Northern Municipality', MUNICIPAL],
	['mun-southern', 'بلدية المنطقة الجنوبية', 'Southern Municipality', MUNICIPAL],
	[
		'btea',
		'هيئة البحرين للسياحة والمعارض',
		'Bahrain Tourism and Exhibitions Authority',
		[
			['licensing', 'ترخيص المنشآت السياحية', 'Tourism establishment licensing'],
			['events', 'الفعاليات والمعارض', 'Events and exhibitions'],
			['hotels', 'الفنادق والمرافق السياحية', 'Hotels and tourist facilities'],
			GENERAL
		]
	],
	[
		'tra',
		'هيئة تنظيم الاتصالات',
		'Telecommunications Regulatory Authority',
		[
			['coverage', 'تغطية شبكات الاتصالات', 'Network coverage', REPORT],
			['operators', 'الشكاوى ضد مشغلي الاتصالات', 'Complaints about telecom operators', REPORT],
			['internet', 'خدمات الإنترنت', 'Internet services'],
			GENERAL
		]
	],
	[
		'sce',
		'المجلس الأعلى للبيئة',
		'Supreme Council for Environment',
		[['pollution', 'التلوث البيئي', 'Environmental pollution', REPORT], ['noise', 'الضوضاء', 'Noise', REPORT], ['wildlife', 'الحياة الفطرية والمحميات', 'Wildlife and protected areas'], GENERAL]
	],
	['oil', 'وزارة النفط والبيئة', 'Ministry of Oil and Environment', [['fuel-stations', 'محطات الوقود', 'Fuel stations'], ['gas-cylinders', 'أسطوانات الغاز', 'Gas cylinders'], GENERAL]],
	[
		'nbr',
		'الجهاز الوطني للإيرادات',
		'National Bureau for Revenue',
		[['vat', 'ضريبة القيمة المضافة', 'Value added tax'], ['excise', 'الضريبة الانتقائية', 'Excise tax'], ['refunds', 'استرداد الضريبة', 'Tax refunds'], GENERAL]
	],
	['customs', 'شؤون الجمارك', 'Customs Affairs', [['clearance', 'التخليص الجمركي', 'Customs clearance'], ['parcels', 'الأمتعة الشخصية والطرود', 'Personal luggage and parcels'], GENERAL]],
	[
		'information',
		'وزارة شؤون الإعلام',
		'Ministry of Information Affairs',
		[['broadcasting', 'الإذاعة والتلفزيون', 'Radio and television'], ['publications', 'المطبوعات والنشر', 'Press and publications'], GENERAL]
	],
	['uob', 'جامعة البحرين', 'University of Bahrain', [['admissions', 'القبول والتسجيل', 'Admissions and registration'], ['student-affairs', 'شؤون الطلبة', 'Student affairs'], GENERAL]],
	[
		'foreign',
		'وزارة الخارجية',
		'Ministry of Foreign Affairs',
		[['attestation', 'تصديق الوثائق', 'Document attestation'], ['consular', 'الخدمات القنصلية للمواطنين في الخارج', 'Consular services for citizens abroad'], GENERAL]
	],
	[
		'finance',
		'وزارة المالية والاقتصاد الوطني',
		'Ministry of Finance and National Economy',
		[['payments', 'مستحقات الموردين والمدفوعات الحكومية', 'Supplier dues and government payments'], ['tenders', 'المناقصات والمشتريات الحكومية', 'Government tenders and procurement'], GENERAL]
	],
	[
		'tourism',
		'وزارة السياحة',
		'Ministry of Tourism',
		[['attractions', 'المرافق والمواقع السياحية', 'Tourist sites and facilities', REPORT], ['tourist-visas', 'التأشيرات السياحية', 'Tourist visas'], GENERAL]
	],
	[
		'sustainable-development',
		'وزارة التنمية المستدامة',
		'Ministry of Sustainable Development',
		[['programmes', 'برامج التنمية المستدامة', 'Sustainable development programmes'], ['goals', 'أهداف التنمية المستدامة ومؤشراتها', 'Sustainable development goals and indicators'], GENERAL]
	],
	['polytechnic', 'بوليتكنك البحرين', 'Bahrain Polytechnic', [['admissions', 'القبول والتسجيل', 'Admissions and registration'], ['student-services', 'خدمات الطلبة', 'Student services'], GENERAL]],
	[
		'hec',
		'مجلس التعليم العالي',
		'Higher Education Council',
		[['equivalency', 'معادلة المؤهلات الجامعية', 'Equivalency of university qualifications'], ['private-universities', 'الجامعات الخاصة', 'Private universities'], GENERAL]
	],
	[
		'bqa',
		'هيئة جودة التعليم والتدريب',
		'Education & Training Quality Authority',
		[['reviews', 'مراجعات أداء المدارس والمعاهد', 'School and institute reviews'], ['national-exams', 'الامتحانات الوطنية', 'National examinations'], GENERAL]
	],
	[
		'scw',
		'المجلس الأعلى للمرأة',
		'Supreme Council for Women',
		[['family-counselling', 'الإرشاد الأسري', 'Family counselling'], ['womens-support', 'دعم المرأة وتمكينها', 'Support for women'], GENERAL]
	],
	[
		'sunni-waqf',
		'إدارة الأوقاف السنية',
		'Sunni Endowments Directorate',
		[['mosques', 'المساجد وصيانتها', 'Mosques and their upkeep', REPORT], ['endowments', 'الأوقاف وعقاراتها', 'Endowments and their properties'], GENERAL]
	],
	[
		'jaafari-waqf',
		'إدارة الأوقاف الجعفرية',
		'Jaafari Endowments Directorate',
		[['mosques', 'المساجد والمآتم وصيانتها', 'Mosques, matams and their upkeep', REPORT], ['endowments', 'الأوقاف وعقاراتها', 'Endowments and their properties'], GENERAL]
	],
	[
		'upda',
		'هيئة التخطيط والتطوير العمراني',
		'Urban Planning and Development Authority',
		[['zoning', 'التصنيف والاشتراطات التنظيمية', 'Zoning and planning regulations'], ['subdivision', 'تقسيم الأراضي', 'Land subdivision'], GENERAL]
	],
	[
		'rera',
		'مؤسسة التنظيم العقاري',
		'Real Estate Regulatory Authority',
		[['brokers', 'الوسطاء والمطورون العقاريون', 'Brokers and property developers'], ['owners-associations', 'اتحادات الملاك', "Owners' associations"], GENERAL]
	],
	[
		'cbb',
		'مصرف البحرين المركزي',
		'Central Bank of Bahrain',
		[['banks', 'الشكاوى على البنوك', 'Complaints about banks', REPORT], ['insurance', 'الشكاوى على شركات التأمين', 'Complaints about insurers', REPORT], GENERAL]
	],
	[
		'culture',
		'هيئة البحرين للثقافة والآثار',
		'Bahrain Authority for Culture and Antiquities',
		[['heritage-sites', 'المواقع الأثرية والتراثية', 'Archaeological and heritage sites', REPORT], ['museums', 'المتاحف والمكتبات', 'Museums and libraries'], GENERAL]
	],
	['tamkeen', 'تمكين', 'Tamkeen', [['business-support', 'دعم المؤسسات', 'Support for businesses'], ['individual-support', 'دعم الأفراد والتدريب', 'Support and training for individuals'], GENERAL]],
	['bdb', 'بنك البحرين للتنمية', 'Bahrain Development Bank', [['loans', 'القروض والتمويل', 'Loans and financing'], ['entrepreneurs', 'خدمات رواد الأعمال', 'Services for entrepreneurs'], GENERAL]],
	[
		'gov-hospitals',
		'المستشفيات الحكومية',
		'Government Hospitals',
		[
			['emergency', 'الطوارئ', 'Emergency departments'],
			['outpatient', 'العيادات الخارجية والمواعيد', 'Outpatient clinics and appointments'],
			['inpatient', 'التنويم والخدمات الفندقية', 'Inpatient care and ward services'],
			GENERAL
		]
	],
	['phc', 'مراكز الرعاية الصحية الأولية', 'Primary Healthcare Centres', [['appointments', 'المواعيد', 'Appointments'], ['vaccinations', 'التطعيمات', 'Vaccinations'], GENERAL]],
	['khuh', 'مستشفى الملك حمد الجامعي', 'King Hamad University Hospital', [['appointments', 'المواعيد', 'Appointments'], ['patient-services', 'خدمات المرضى', 'Patient services'], GENERAL]],
	[
		'prosecution',
		'النيابة العامة',
		'Public Prosecution',
		[['case-status', 'الاستعلام عن القضايا', 'Case status enquiries'], ['victims', 'خدمات المجني عليهم والشهود', 'Services for victims and witnesses'], GENERAL]
	],
	['ombudsman', 'الأمانة العامة للتظلمات', 'Ombudsman', [['grievances', 'التظلمات', 'Grievances'], ['detention', 'أوضاع أماكن الاحتجاز', 'Conditions in places of detention', REPORT], GENERAL]],
	[
		'nihr',
		'المؤسسة الوطنية لحقوق الإنسان',
		'National Institution for Human Rights',
		[['rights-complaints', 'شكاوى حقوق الإنسان', 'Human rights complaints'], ['awareness', 'التوعية بحقوق الإنسان', 'Human rights awareness'], GENERAL]
	],
	[
		'sports',
		'الهيئة العامة للرياضة',
		'General Sports Authority',
		[['facilities', 'المنشآت والملاعب الرياضية', 'Sports facilities and grounds', REPORT], ['clubs', 'الأندية الرياضية', 'Sports clubs'], GENERAL]
	]
];

export const ENTITIES: EntityDoc[] = ENTITY_SPECS.map(([entity_id, name_ar, name_en]) => ({
	_id: `entity:${entity_id}`,
	type: 'entity',
	entity_id,
	name_ar,
	name_en,
	active: true
}));

/** Categories of things in a public place, which many people pass and report (issue 15): roads,
 * street lights, drains, flooding, cleanliness, parks, abandoned vehicles. Before filing one, a
 * citizen sees the open cases of it nearby and may follow one instead. */
const PUBLIC_PLACES = new Set(['potholes', 'street-lights', 'sewerage', 'rainwater', 'waste', 'parks', 'abandoned-vehicles']);

export const CATEGORIES: CategoryDoc[] = ENTITY_SPECS.flatMap(([entity_id, , , categories]) =>
	categories.map(([suffix, name_ar, name_en, case_types = ANY]) => ({
		_id: `category:${entity_id}-${suffix}`,
		type: 'category' as const,
		category_id: `${entity_id}-${suffix}`,
		entity_id,
		name_ar,
		name_en,
		case_types: [...case_types],
		public_place: PUBLIC_PLACES.has(suffix)
	}))
);

export const SETTINGS: SettingsDoc = {
	_id: 'settings',
	type: 'settings',
	response_days: 5,
	time_zone: 'Asia/Bahrain',
	weekend: [5, 6],
	transfer_restarts_clock: false
};

type HolidaySpec = [dates: string[], nameAr: string, nameEn: string];

/**
 * Religious holidays follow the moon, so these are the expected dates (Umm al-Qura calendar);
 * the coordinator corrects them when the dates are announced. Eid al-Fitr is three days, Eid
 * al-Adha three days after Arafat Day, Ashura the 9th and 10th of Muharram.
 */
const HOLIDAY_SPECS: Record<number, HolidaySpec[]> = {
	2026: [
		[['2026-01-01'], 'رأس السنة الميلادية', "New Year's Day"],
		[['2026-03-20', '2026-03-21', '2026-03-22'], 'عيد الفطر', 'Eid al-Fitr'],
		[['2026-05-01'], 'عيد العمال', 'Labour Day'],
		[['2026-05-26'], 'يوم عرفة', 'Arafat Day'],
		[['2026-05-27', '2026-05-28', '2026-05-29'], 'عيد الأضحى', 'Eid al-Adha'],
		[['2026-06-16'], 'رأس السنة الهجرية', 'Islamic New Year'],
		[['2026-06-24', '2026-06-25'], 'عاشوراء', 'Ashura'],
		[['2026-08-25'], 'المولد النبوي الشريف', "The Prophet's Birthday"],
		[['2026-12-16', '2026-12-17'], 'العيد الوطني', 'National Day']
	],
	2027: [
		[['2027-01-01'], 'رأس السنة الميلادية', "New Year's Day"],
		[['2027-03-09', '2027-03-10', '2027-03-11'], 'عيد الفطر', 'Eid al-Fitr'],
		[['2027-05-01'], 'عيد العمال', 'Labour Day'],
		[['2027-05-15'], 'يوم عرفة', 'Arafat Day'],
		[['2027-05-16', '2027-05-17', '2027-05-18'], 'عيد الأضحى', 'Eid al-Adha'],
		[['2027-06-06'], 'رأس السنة الهجرية', 'Islamic New Year'],
		[['2027-06-14', '2027-06-15'], 'عاشوراء', 'Ashura'],
		[['2027-08-14'], 'المولد النبوي الشريف', "The Prophet's Birthday"],
		[['2027-12-16', '2027-12-17'], 'العيد الوطني', 'National Day']
	]
};

export const HOLIDAYS: HolidaysDoc[] = Object.entries(HOLIDAY_SPECS).map(([year, specs]) => ({
	_id: `holidays:${year}`,
	type: 'holidays',
	year: Number(year),
	days: specs.flatMap(([dates, name_ar, name_en]) => dates.map((date) => ({ date, name_ar, name_en }))).sort((a, b) => a.date.localeCompare(b.date))
}));

export type ConfigDoc = EntityDoc | CategoryDoc | SettingsDoc | HolidaysDoc;

/** Fresh copies, so a caller that adds _rev or edits a document can't change the catalogue. */
export function catalogueDocs(): ConfigDoc[] {
	return structuredClone([...ENTITIES, ...CATEGORIES, SETTINGS, ...HOLIDAYS]);
}
