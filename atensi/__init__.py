"""atensi: case management and programme performance for Ditjen Rehabilitasi Sosial."""
