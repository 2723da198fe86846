"""What readers see: pages, files and pictures made from the loaded site, as plain data for the theme's templates."""
