/* placeholder */
int cmd_annotate(int argc, char **argv) { (void)argc; (void)argv; return 2; }
