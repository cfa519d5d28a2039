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

/*
 * An assembly label in code, without a type or a size (as ld.so's _start): perf names
 * the addresses after it by it, up to the next symbol, and so must pyperfmap.
 */
__asm__(".text\n"
	".globl fixture_label\n"
	"fixture_label:\n"
	"\tnop\n\tnop\n\tnop\n\tret\n"
	".globl fixture_after_label\n"
	".type fixture_after_label, @function\n"
	"fixture_after_label:\n"
	"\tret\n"
	".size fixture_after_label, 1\n");
