"""Method: the ten-digit lesson makes its choices on validation digits and reads the test set only in its last section.

Lesson 10 holds out 10,000 training digits (`valid_split`) and chooses every distance, loss, learning rate,
depth and recipe on them; its section "The test set, once" is the first place the test digits appear. This
test reads the lesson's code cells before that section (definitions in `#| export` cells aside: they are
not run on any data there) and fails if one of them touches the test set."""
import json, re
from pathlib import Path

nbs = Path(__file__).resolve().parent.parent/'nbs'
READS_TEST = [(r"""['"](test|testing)['"]""", "the 'test' split or the testing/ folder"), (r'\b(x|y|xf|oh)_test\b', 'test tensors'),
              (r'\b(score_mlp|resnet_on_folders)\(', 'a function that scores the test set'),
              (r'\btrain_cnn\((?!.*\bdata=)', 'train_cnn without data= (it scores the test set by default)')]

def test_lesson_10_reads_the_test_set_only_in_its_last_section():
    cells = json.loads((nbs/'10_ten_digits.ipynb').read_text())['cells']
    src = [''.join(c['source']) for c in cells]
    end = next(i for i, (c, s) in enumerate(zip(cells, src)) if c['cell_type'] == 'markdown' and s.startswith('## The test set, once'))
    assert end > len(cells)//2
    found = [f'cell {i}: {why}: {line.strip()}' for i, (c, s) in enumerate(zip(cells[:end], src[:end]))
             if c['cell_type'] == 'code' and not s.startswith('#| export')
             for line in s.splitlines() for pat, why in READS_TEST if re.search(pat, line)]
    assert not found, 'the test set is read before the last section:\n' + '\n'.join(found)
    after = '\n'.join(s for c, s in zip(cells[end:], src[end:]) if c['cell_type'] == 'code')
    assert "load_mnist('test')" in after and 'resnet_on_folders(' in after and 'score_mlp(' in after
