from metskin.cli import main

main()
