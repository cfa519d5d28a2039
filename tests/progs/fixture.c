/* A shared object with known functions, for the ELF load-bias tests. */
__attribute__((noinline)) int fixture_alpha(int x)
{
	return x * 3 + 1;
}

__attribute__((noinline)) int fixture_beta(int x)
{
	int s = 0;

	for (int i = 0; i < x; i++)
		s += fixture_alpha(i);
	return s;
}

/* Data in a section of its own, found as CPython's _PyRuntime is (.PyRuntime). */
__attribute__((section(".ppm_runtime"), used)) int fixture_runtime[64] = { 42 };
