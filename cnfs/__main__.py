from cnfs.cli import main

main()
