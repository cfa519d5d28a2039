/* The flame graph page, built into the binary (see export_flame.c). */
	.section .rodata
	.global ppm_flame_html
	.global ppm_flame_html_end
ppm_flame_html:
	.incbin FLAME_HTML
ppm_flame_html_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
