"""Country and state reference data the sandbox seeds, with the xmlids Odoo's ``base`` module gives them.

Read from a running Odoo 18; kept as text tables because seeding parses them once per database.
"""

from __future__ import annotations

# code|English name|phone code, as in Odoo's base data (xmlid base.<code lower>, except GB which is base.uk).
COUNTRIES = """\
AD|Andorra|376
AE|United Arab Emirates|971
AF|Afghanistan|93
AG|Antigua and Barbuda|1268
AI|Anguilla|1264
AL|Albania|355
AM|Armenia|374
AO|Angola|244
AQ|Antarctica|672
AR|Argentina|54
AS|American Samoa|1684
AT|Austria|43
AU|Australia|61
AW|Aruba|297
AX|Åland Islands|358
AZ|Azerbaijan|994
BA|Bosnia and Herzegovina|387
BB|Barbados|1246
BD|Bangladesh|880
BE|Belgium|32
BF|Burkina Faso|226
BG|Bulgaria|359
BH|Bahrain|973
BI|Burundi|257
BJ|Benin|229
BL|Saint Barthélémy|590
BM|Bermuda|1441
BN|Brunei Darussalam|673
BO|Bolivia|591
BQ|Bonaire, Sint Eustatius and Saba|599
BR|Brazil|55
BS|Bahamas|1242
BT|Bhutan|975
BV|Bouvet Island|55
BW|Botswana|267
BY|Belarus|375
BZ|Belize|501
CA|Canada|1
CC|Cocos (Keeling) Islands|61
CD|Democratic Republic of the Congo|243
CF|Central African Republic|236
CG|Congo|242
CH|Switzerland|41
CI|Côte d'Ivoire|225
CK|Cook Islands|682
CL|Chile|56
CM|Cameroon|237
CN|China|86
CO|Colombia|57
CR|Costa Rica|506
CU|Cuba|53
CV|Cape Verde|238
CW|Curaçao|599
CX|Christmas Island|61
CY|Cyprus|357
CZ|Czech Republic|420
DE|Germany|49
DJ|Djibouti|253
DK|Denmark|45
DM|Dominica|1767
DO|Dominican Republic|1849
DZ|Algeria|213
EC|Ecuador|593
EE|Estonia|372
EG|Egypt|20
EH|Western Sahara|212
ER|Eritrea|291
ES|Spain|34
ET|Ethiopia|251
FI|Finland|358
FJ|Fiji|679
FK|Falkland Islands|500
FM|Micronesia|691
FO|Faroe Islands|298
FR|France|33
GA|Gabon|241
GB|United Kingdom|44
GD|Grenada|1473
GE|Georgia|995
GF|French Guiana|594
GG|Guernsey|44
GH|Ghana|233
GI|Gibraltar|350
GL|Greenland|299
GM|Gambia|220
GN|Guinea|224
GP|Guadeloupe|590
GQ|Equatorial Guinea|240
GR|Greece|30
GS|South Georgia and the South Sandwich Islands|500
GT|Guatemala|502
GU|Guam|1671
GW|Guinea-Bissau|245
GY|Guyana|592
HK|Hong Kong|852
HM|Heard Island and McDonald Islands|672
HN|Honduras|504
HR|Croatia|385
HT|Haiti|509
HU|Hungary|36
ID|Indonesia|62
IE|Ireland|353
IL|Israel|972
IM|Isle of Man|44
IN|India|91
IO|British Indian Ocean Territory|246
IQ|Iraq|964
IR|Iran|98
IS|Iceland|354
IT|Italy|39
JE|Jersey|44
JM|Jamaica|1876
JO|Jordan|962
JP|Japan|81
KE|Kenya|254
KG|Kyrgyzstan|996
KH|Cambodia|855
KI|Kiribati|686
KM|Comoros|269
KN|Saint Kitts and Nevis|1869
KP|North Korea|850
KR|South Korea|82
KW|Kuwait|965
KY|Cayman Islands|1345
KZ|Kazakhstan|7
LA|Laos|856
LB|Lebanon|961
LC|Saint Lucia|1758
LI|Liechtenstein|423
LK|Sri Lanka|94
LR|Liberia|231
LS|Lesotho|266
LT|Lithuania|370
LU|Luxembourg|352
LV|Latvia|371
LY|Libya|218
MA|Morocco|212
MC|Monaco|377
MD|Moldova|373
ME|Montenegro|382
MF|Saint Martin (French part)|590
MG|Madagascar|261
MH|Marshall Islands|692
MK|North Macedonia|389
ML|Mali|223
MM|Myanmar|95
MN|Mongolia|976
MO|Macau|853
MP|Northern Mariana Islands|1670
MQ|Martinique|596
MR|Mauritania|222
MS|Montserrat|1664
MT|Malta|356
MU|Mauritius|230
MV|Maldives|960
MW|Malawi|265
MX|Mexico|52
MY|Malaysia|60
MZ|Mozambique|258
NA|Namibia|264
NC|New Caledonia|687
NE|Niger|227
NF|Norfolk Island|672
NG|Nigeria|234
NI|Nicaragua|505
NL|Netherlands|31
NO|Norway|47
NP|Nepal|977
NR|Nauru|674
NU|Niue|683
NZ|New Zealand|64
OM|Oman|968
PA|Panama|507
PE|Peru|51
PF|French Polynesia|689
PG|Papua New Guinea|675
PH|Philippines|63
PK|Pakistan|92
PL|Poland|48
PM|Saint Pierre and Miquelon|508
PN|Pitcairn Islands|64
PR|Puerto Rico|1939
PS|State of Palestine|970
PT|Portugal|351
PW|Palau|680
PY|Paraguay|595
QA|Qatar|974
RE|Réunion|262
RO|Romania|40
RS|Serbia|381
RU|Russian Federation|7
RW|Rwanda|250
SA|Saudi Arabia|966
SB|Solomon Islands|677
SC|Seychelles|248
SD|Sudan|249
SE|Sweden|46
SG|Singapore|65
SH|Saint Helena, Ascension and Tristan da Cunha|290
SI|Slovenia|386
SJ|Svalbard and Jan Mayen|47
SK|Slovakia|421
SL|Sierra Leone|232
SM|San Marino|378
SN|Senegal|221
SO|Somalia|252
SR|Suriname|597
SS|South Sudan|211
ST|São Tomé and Príncipe|239
SV|El Salvador|503
SX|Sint Maarten (Dutch part)|1721
SY|Syria|963
SZ|Eswatini|268
TC|Turks and Caicos Islands|1649
TD|Chad|235
TF|French Southern Territories|262
TG|Togo|228
TH|Thailand|66
TJ|Tajikistan|992
TK|Tokelau|690
TL|Timor-Leste|670
TM|Turkmenistan|993
TN|Tunisia|216
TO|Tonga|676
TR|Türkiye|90
TT|Trinidad and Tobago|1868
TV|Tuvalu|688
TW|Taiwan|886
TZ|Tanzania|255
UA|Ukraine|380
UG|Uganda|256
UM|USA Minor Outlying Islands|699
US|United States|1
UY|Uruguay|598
UZ|Uzbekistan|998
VA|Holy See (Vatican City State)|379
VC|Saint Vincent and the Grenadines|1784
VE|Venezuela|58
VG|Virgin Islands (British)|1284
VI|Virgin Islands (USA)|1340
VN|Vietnam|84
VU|Vanuatu|678
WF|Wallis and Futuna|681
WS|Samoa|685
XK|Kosovo|383
YE|Yemen|967
YT|Mayotte|262
ZA|South Africa|27
ZM|Zambia|260
ZW|Zimbabwe|263
"""

# country code|state code|name|xmlid name (module base)
STATES = """\
US|AL|Alabama|state_us_1
US|AK|Alaska|state_us_2
US|AZ|Arizona|state_us_3
US|AR|Arkansas|state_us_4
US|CA|California|state_us_5
US|CO|Colorado|state_us_6
US|CT|Connecticut|state_us_7
US|DE|Delaware|state_us_8
US|DC|District of Columbia|state_us_9
US|FL|Florida|state_us_10
US|GA|Georgia|state_us_11
US|HI|Hawaii|state_us_12
US|ID|Idaho|state_us_13
US|IL|Illinois|state_us_14
US|IN|Indiana|state_us_15
US|IA|Iowa|state_us_16
US|KS|Kansas|state_us_17
US|KY|Kentucky|state_us_18
US|LA|Louisiana|state_us_19
US|ME|Maine|state_us_20
US|MT|Montana|state_us_21
US|NE|Nebraska|state_us_22
US|NV|Nevada|state_us_23
US|NH|New Hampshire|state_us_24
US|NJ|New Jersey|state_us_25
US|NM|New Mexico|state_us_26
US|NY|New York|state_us_27
US|NC|North Carolina|state_us_28
US|ND|North Dakota|state_us_29
US|OH|Ohio|state_us_30
US|OK|Oklahoma|state_us_31
US|OR|Oregon|state_us_32
US|MD|Maryland|state_us_33
US|MA|Massachusetts|state_us_34
US|MI|Michigan|state_us_35
US|MN|Minnesota|state_us_36
US|MS|Mississippi|state_us_37
US|MO|Missouri|state_us_38
US|PA|Pennsylvania|state_us_39
US|RI|Rhode Island|state_us_40
US|SC|South Carolina|state_us_41
US|SD|South Dakota|state_us_42
US|TN|Tennessee|state_us_43
US|TX|Texas|state_us_44
US|UT|Utah|state_us_45
US|VT|Vermont|state_us_46
US|VA|Virginia|state_us_47
US|WA|Washington|state_us_48
US|WV|West Virginia|state_us_49
US|WI|Wisconsin|state_us_50
US|WY|Wyoming|state_us_51
US|AS|American Samoa|state_us_as
US|FM|Federated States of Micronesia|state_us_fm
US|GU|Guam|state_us_gu
US|MH|Marshall Islands|state_us_mh
US|MP|Northern Mariana Islands|state_us_mp
US|PW|Palau|state_us_pw
US|PR|Puerto Rico|state_us_pr
US|VI|Virgin Islands|state_us_vi
US|AA|Armed Forces Americas|state_us_aa
US|AE|Armed Forces Europe|state_us_ae
US|AP|Armed Forces Pacific|state_us_ap
TR|01|Adana|state_tr_01
TR|02|Adıyaman|state_tr_02
TR|03|Afyonkarahisar|state_tr_03
TR|04|Ağrı|state_tr_04
TR|05|Amasya|state_tr_05
TR|06|Ankara|state_tr_06
TR|07|Antalya|state_tr_07
TR|08|Artvin|state_tr_08
TR|09|Aydın|state_tr_09
TR|10|Balıkesir|state_tr_10
TR|11|Bilecik|state_tr_11
TR|12|Bingöl|state_tr_12
TR|13|Bitlis|state_tr_13
TR|14|Bolu|state_tr_14
TR|15|Burdur|state_tr_15
TR|16|Bursa|state_tr_16
TR|17|Çanakkale|state_tr_17
TR|18|Çankırı|state_tr_18
TR|19|Çorum|state_tr_19
TR|20|Denizli|state_tr_20
TR|21|Diyarbakır|state_tr_21
TR|22|Edirne|state_tr_22
TR|23|Elazığ|state_tr_23
TR|24|Erzincan|state_tr_24
TR|25|Erzurum|state_tr_25
TR|26|Eskişehir|state_tr_26
TR|27|Gaziantep|state_tr_27
TR|28|Giresun|state_tr_28
TR|29|Gümüşhane|state_tr_29
TR|30|Hakkari|state_tr_30
TR|31|Hatay|state_tr_31
TR|32|Isparta|state_tr_32
TR|33|Mersin|state_tr_33
TR|34|İstanbul|state_tr_34
TR|35|İzmir|state_tr_35
TR|36|Kars|state_tr_36
TR|37|Kastamonu|state_tr_37
TR|38|Kayseri|state_tr_38
TR|39|Kırklareli|state_tr_39
TR|40|Kırşehir|state_tr_40
TR|41|Kocaeli|state_tr_41
TR|42|Konya|state_tr_42
TR|43|Kütahya|state_tr_43
TR|44|Malatya|state_tr_44
TR|45|Manisa|state_tr_45
TR|46|Kahramanmaraş|state_tr_46
TR|47|Mardin|state_tr_47
TR|48|Muğla|state_tr_48
TR|49|Muş|state_tr_49
TR|50|Nevşehir|state_tr_50
TR|51|Niğde|state_tr_51
TR|52|Ordu|state_tr_52
TR|53|Rize|state_tr_53
TR|54|Sakarya|state_tr_54
TR|55|Samsun|state_tr_55
TR|56|Siirt|state_tr_56
TR|57|Sinop|state_tr_57
TR|58|Sivas|state_tr_58
TR|59|Tekirdağ|state_tr_59
TR|60|Tokat|state_tr_60
TR|61|Trabzon|state_tr_61
TR|62|Tunceli|state_tr_62
TR|63|Şanlıurfa|state_tr_63
TR|64|Uşak|state_tr_64
TR|65|Van|state_tr_65
TR|66|Yozgat|state_tr_66
TR|67|Zonguldak|state_tr_67
TR|68|Aksaray|state_tr_68
TR|69|Bayburt|state_tr_69
TR|70|Karaman|state_tr_70
TR|71|Kırıkkale|state_tr_71
TR|72|Batman|state_tr_72
TR|73|Şırnak|state_tr_73
TR|74|Bartın|state_tr_74
TR|75|Ardahan|state_tr_75
TR|76|Iğdır|state_tr_76
TR|77|Yalova|state_tr_77
TR|78|Karabük|state_tr_78
TR|79|Kilis|state_tr_79
TR|80|Osmaniye|state_tr_80
TR|81|Düzce|state_tr_81
DE|DE-BW|Baden-Württemberg|state_de_bw
DE|DE-BY|Bayern|state_de_by
DE|DE-BE|Berlin|state_de_be
DE|DE-BB|Brandenburg|state_de_bb
DE|DE-HB|Bremen|state_de_hb
DE|DE-HH|Hamburg|state_de_hh
DE|DE-HE|Hessen|state_de_he
DE|DE-MV|Mecklenburg-Vorpommern|state_de_mv
DE|DE-NI|Niedersachsen|state_de_ni
DE|DE-NW|Nordrhein-Westfalen|state_de_nw
DE|DE-RP|Rheinland-Pfalz|state_de_rp
DE|DE-SL|Saarland|state_de_sl
DE|DE-SN|Sachsen|state_de_sn
DE|DE-ST|Sachsen-Anhalt|state_de_st
DE|DE-SH|Schleswig-Holstein|state_de_sh
DE|DE-TH|Thüringen|state_de_th
"""
