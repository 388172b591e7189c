"""What the demo's case workers write: referral notes, goals, services, notes, by target group.

Sentences a pendamping would write in a case file (Bahasa Indonesia), so the demo's timelines
read like real ones. Costs are whole Rupiah, in the range of ATENSI unit costs.
"""

from atensi.cases.choices import ReferralSource, ServiceComponent, TerminationReason
from atensi.organisation.models import TargetGroup

# (source, weight, institution pattern); {city} is the sentra's city
SOURCES = (
    (ReferralSource.DINSOS, 24, "Dinas Sosial {city}"),
    (ReferralSource.COMMUNITY, 14, "Ketua RT setempat"),
    (ReferralSource.FAMILY, 14, ""),
    (ReferralSource.HOTLINE, 10, "Layanan Respon Kasus Kemensos"),
    (ReferralSource.OUTREACH, 11, ""),
    (ReferralSource.HOSPITAL, 8, "RSUD {city}"),
    (ReferralSource.SCHOOL, 6, "SD Negeri {city}"),
    (ReferralSource.POLICE, 5, "Unit PPA Polres {city}"),
    (ReferralSource.SELF, 5, ""),
)

REFERRALS = {
    TargetGroup.ANAK: (
        "Anak ditemukan bekerja di perempatan jalan setelah putus sekolah; orang tua bekerja "
        "serabutan.",
        "Anak mengalami kekerasan fisik di rumah; tetangga melapor ke ketua RT.",
        "Anak tidak memiliki akta kelahiran dan belum bersekolah di usia sekolah.",
        "Anak berhadapan dengan hukum, diversi oleh Polres; perlu pendampingan sosial.",
    ),
    TargetGroup.DISABILITAS: (
        "Penyandang disabilitas fisik tidak dapat keluar rumah karena tidak memiliki kursi roda.",
        "Penyandang disabilitas mental pernah dipasung keluarga; perlu pemulihan dan "
        "dukungan keluarga.",
        "Penyandang disabilitas netra kehilangan pekerjaan dan butuh pelatihan keterampilan.",
    ),
    TargetGroup.LANSIA: (
        "Lansia tinggal sendiri, tidak ada keluarga yang merawat, kondisi rumah tidak layak.",
        "Lansia telantar ditemukan di pasar; tidak ingat alamat keluarganya.",
        "Lansia dengan stroke ringan, keluarga kewalahan merawat.",
    ),
    TargetGroup.NAPZA: (
        "Korban penyalahgunaan NAPZA dirujuk keluarga setelah kambuh; bersedia direhabilitasi.",
        "Rujukan BNN kabupaten: pengguna sabu, wajib lapor, perlu rehabilitasi sosial.",
    ),
    TargetGroup.TUNA_SOSIAL: (
        "Gelandangan hasil penjangkauan bersama Satpol PP; tidak memiliki KTP.",
        "Pengemis lanjut usia di terminal; keluarga di luar kota belum dapat dihubungi.",
    ),
    TargetGroup.ODHA: (
        "ODHA berhenti minum ARV karena stigma di lingkungan; dirujuk puskesmas.",
        "ODHA kehilangan pekerjaan setelah status diketahui majikan.",
    ),
    TargetGroup.BENCANA: (
        "Korban banjir kehilangan rumah dan dokumen kependudukan; tinggal di pengungsian.",
        "Korban kebakaran permukiman; keluarga dengan tiga anak tinggal menumpang.",
    ),
    TargetGroup.PPKS_LAIN: (
        "Korban perdagangan orang dipulangkan dari luar negeri; perlu pemulihan.",
        "Perempuan rawan sosial ekonomi, kepala keluarga, penghasilan tidak tetap.",
    ),
}

CONTACTS = (
    "Kunjungan rumah pertama; bertemu penerima manfaat dan keluarga, menjelaskan layanan ATENSI.",
    "Kontak pertama melalui telepon dengan pelapor, dilanjutkan kunjungan ke lokasi.",
    "Penjangkauan bersama pekerja sosial dinas; penerima manfaat bersedia didampingi.",
    "Pertemuan di kantor desa bersama keluarga dan pendamping desa.",
)

NEEDS = {
    TargetGroup.ANAK: "Kembali bersekolah, pengasuhan yang aman, akta kelahiran.",
    TargetGroup.DISABILITAS: "Alat bantu, terapi, pelatihan keterampilan, penerimaan keluarga.",
    TargetGroup.LANSIA: "Perawatan harian, pemeriksaan kesehatan rutin, pendamping keluarga.",
    TargetGroup.NAPZA: "Rehabilitasi sosial, dukungan keluarga, kegiatan produktif.",
    TargetGroup.TUNA_SOSIAL: "Dokumen kependudukan, tempat tinggal, reunifikasi keluarga.",
    TargetGroup.ODHA: "Kepatuhan ARV, dukungan kelompok sebaya, pekerjaan.",
    TargetGroup.BENCANA: "Kebutuhan dasar, hunian sementara, dokumen pengganti.",
    TargetGroup.PPKS_LAIN: "Pemulihan psikososial, usaha ekonomi produktif.",
}
STRENGTHS = (
    "Keluarga inti masih peduli dan bersedia terlibat.",
    "Penerima manfaat kooperatif dan punya motivasi untuk berubah.",
    "Tokoh masyarakat setempat mendukung; ada akses puskesmas dekat rumah.",
    "Memiliki keterampilan dasar yang dapat dikembangkan.",
)
ASPECTS = (
    "Kondisi fisik cukup baik, perlu pemeriksaan lanjutan.",
    "Tampak cemas dan menarik diri saat wawancara.",
    "Relasi dengan keluarga renggang sejak beberapa tahun.",
    "Penghasilan keluarga di bawah UMK, tidak menentu.",
)
ASSESSMENT_SUMMARIES = (
    "Kebutuhan utama pada aspek sosial dan ekonomi; risiko dapat ditangani dengan dukungan "
    "keluarga.",
    "Masalah psikologis sedang; direkomendasikan terapi psikososial dan konseling keluarga.",
    "Kebutuhan berat pada aspek fisik; perlu perawatan sosial dan alat bantu.",
)

GOALS = {
    TargetGroup.ANAK: (
        "Anak kembali bersekolah secara teratur",
        "Orang tua menerapkan pengasuhan tanpa kekerasan",
        "Anak memiliki akta kelahiran dan masuk KK",
    ),
    TargetGroup.DISABILITAS: (
        "Penerima manfaat dapat bergerak mandiri dengan alat bantu",
        "Penerima manfaat memiliki keterampilan kerja",
        "Keluarga mendukung kemandirian penerima manfaat",
    ),
    TargetGroup.LANSIA: (
        "Kebutuhan harian lansia terpenuhi",
        "Lansia rutin memeriksakan kesehatan",
        "Keluarga bersedia merawat lansia",
    ),
    TargetGroup.NAPZA: (
        "Penerima manfaat bebas pakai selama program",
        "Penerima manfaat memiliki kegiatan produktif",
        "Keluarga memahami cara mencegah kekambuhan",
    ),
    TargetGroup.TUNA_SOSIAL: (
        "Penerima manfaat memiliki KTP dan KK",
        "Penerima manfaat kembali ke keluarga atau tempat tinggal tetap",
    ),
    TargetGroup.ODHA: (
        "Penerima manfaat patuh minum ARV",
        "Penerima manfaat bergabung dengan kelompok dukungan sebaya",
    ),
    TargetGroup.BENCANA: (
        "Kebutuhan dasar keluarga terpenuhi",
        "Dokumen kependudukan diganti",
    ),
    TargetGroup.PPKS_LAIN: (
        "Penerima manfaat pulih dari trauma",
        "Penerima manfaat memiliki usaha ekonomi produktif",
    ),
}

# component → [(description, quantity, unit cost Rp, frequency)]
SERVICES = {
    ServiceComponent.BASIC_NEEDS: (
        ("Permakanan tiga kali sehari", 21, 15000, "setiap minggu"),
        ("Paket sembako keluarga", 1, 350000, "setiap bulan"),
        ("Perlengkapan kebersihan diri", 1, 125000, "sekali"),
    ),
    ServiceComponent.CARE: (
        ("Pengasuhan dan perawatan harian oleh pengasuh sentra", 7, 0, "setiap hari"),
        ("Perawatan sosial di rumah oleh pendamping", 1, 0, "setiap minggu"),
    ),
    ServiceComponent.FAMILY_SUPPORT: (
        ("Konseling keluarga", 1, 0, "dua minggu sekali"),
        ("Temu penguatan pengasuhan bersama orang tua", 1, 0, "setiap bulan"),
    ),
    ServiceComponent.THERAPY: (
        ("Terapi psikososial: konseling individu", 1, 0, "setiap minggu"),
        ("Fisioterapi oleh terapis mitra", 1, 150000, "setiap minggu"),
        ("Bimbingan mental spiritual", 1, 0, "setiap minggu"),
    ),
    ServiceComponent.VOCATIONAL: (
        ("Pelatihan keterampilan menjahit", 5, 60000, "setiap minggu"),
        ("Bantuan modal usaha ekonomi produktif", 1, 2500000, "sekali"),
    ),
    ServiceComponent.ASSISTANCE: (
        ("Bantuan sosial ATENSI tunai", 1, 1000000, "sekali"),
        ("Asistensi pengurusan dokumen kependudukan", 1, 0, "sekali"),
    ),
    ServiceComponent.ACCESSIBILITY: (
        ("Transportasi ke layanan kesehatan", 2, 50000, "sesuai kebutuhan"),
        ("Alat bantu kursi roda", 1, 1750000, "sekali"),
    ),
}
COMPONENTS = {
    TargetGroup.ANAK: ("care", "family_support", "therapy", "assistance", "basic_needs"),
    TargetGroup.DISABILITAS: ("accessibility", "therapy", "vocational", "family_support"),
    TargetGroup.LANSIA: ("care", "basic_needs", "accessibility", "family_support"),
    TargetGroup.NAPZA: ("therapy", "family_support", "vocational"),
    TargetGroup.TUNA_SOSIAL: ("basic_needs", "assistance", "family_support", "vocational"),
    TargetGroup.ODHA: ("therapy", "accessibility", "vocational", "assistance"),
    TargetGroup.BENCANA: ("basic_needs", "assistance", "therapy"),
    TargetGroup.PPKS_LAIN: ("therapy", "vocational", "assistance", "family_support"),
}

PLAN_RETURN_COMMENTS = (
    "Tujuan belum terukur; tuliskan indikator yang dapat dicek saat monitoring.",
    "Tambahkan layanan dukungan keluarga; keluarga belum dilibatkan dalam rencana.",
    "Target tanggal layanan terlalu lama; sesuaikan dengan urgensi kasus.",
)
CONFERENCES = (
    "Konferensi kasus bersama supervisor dan psikolog: rencana dilanjutkan, fokus pada "
    "dukungan keluarga.",
    "Konferensi kasus dengan dinas sosial dan puskesmas untuk koordinasi layanan.",
)
PROGRESS = (
    "Mulai ada kemajuan; penerima manfaat mengikuti kegiatan dengan teratur.",
    "Belum ada perubahan berarti; perlu motivasi tambahan dari keluarga.",
    "Sebagian tercapai; keluarga mulai terlibat aktif.",
    "Tercapai sesuai indikator.",
)
MONITORING = (
    "Monitoring: penerima manfaat hadir di semua sesi, kondisi emosi lebih stabil.",
    "Monitoring: kunjungan rumah, keluarga melaporkan perubahan perilaku yang baik.",
    "Monitoring: satu sesi terlewat karena sakit; dijadwalkan ulang.",
    "Evaluasi bersama keluarga: sebagian besar tujuan rencana sudah tercapai.",
)
TERMINATION_NOTES = {
    TerminationReason.GOALS_MET: "Tujuan rencana tercapai; penerima manfaat dan keluarga siap "
    "mandiri dengan bimbingan lanjut.",
    TerminationReason.REFERRED: "Dirujuk ke lembaga yang lebih sesuai dengan kebutuhannya.",
    TerminationReason.MOVED: "Keluarga pindah ke provinsi lain; data diteruskan ke dinas sosial "
    "setempat.",
    TerminationReason.WITHDREW: "Penerima manfaat/keluarga menyatakan tidak melanjutkan layanan.",
    TerminationReason.LOST_CONTACT: "Tiga kali kunjungan tidak bertemu; nomor telepon tidak aktif.",
    TerminationReason.NOT_ELIGIBLE: "Hasil verifikasi: tidak memenuhi kriteria PPKS; diarahkan ke "
    "program lain.",
}
REFERRAL_INSTITUTIONS = (
    ("RSJ Dr. Soeharto Heerdjan", "(021) 5682841", "Perlu perawatan psikiatri lanjutan."),
    ("LKS Yayasan Sayap Ibu", "(021) 7350051", "Pengasuhan jangka panjang berbasis panti."),
    ("Balai Latihan Kerja Kabupaten", "Kepala BLK", "Pelatihan kerja lanjutan."),
)
AFTERCARE_NOTES = (
    "Kunjungan bimbingan lanjut: kondisi stabil, kegiatan harian berjalan baik.",
    "Kunjungan bimbingan lanjut: usaha berjalan, keluarga mendukung.",
    "Kunjungan bimbingan lanjut: sempat ada masalah kecil, sudah diselesaikan bersama keluarga.",
)
TRANSFER_REASONS = (
    "Keluarga pindah domisili ke wilayah layanan sentra tujuan.",
    "Layanan spesialis yang dibutuhkan tersedia di sentra tujuan.",
)
TRANSFER_OVERRIDE = (
    "Penerima manfaat belum cakap memberi persetujuan dan wali belum ditemukan; pemindahan demi "
    "kepentingan terbaiknya."
)
CLOSE_NOTES = (
    "Bimbingan lanjut selesai, kasus ditutup.",
    "Tidak ada tindak lanjut lagi; berkas diarsipkan.",
)
REOPEN_REASONS = (
    "Keluarga melapor kondisi memburuk lagi setelah bimbingan lanjut selesai; perlu asesmen ulang.",
    "Rujukan baru dari dinas sosial untuk penerima manfaat yang sama; kebutuhan berubah.",
)
