<?php
declare(strict_types=1);

require __DIR__ . '/../autoload.php';
require_once __DIR__ . '/RFC6962.php';
require_once __DIR__ . '/SharedVectors.php';
