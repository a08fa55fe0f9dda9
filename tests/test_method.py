"""Method: the ten-digit lessons make their choices on validation digits and read the test set only for final scores.

Lesson 11 holds out 10,000 training digits (`valid_split`); lessons 11 to 13 choose every distance, loss,
learning rate, depth and recipe on them, and each one's section "The test set, once" is the first place the
test digits appear. Lesson 14 reads MNIST's conventions from the training digits and opens the test set only
to score the default model ("The real test"); lesson 15 measures its reader on validation digits
and never opens the test set; lesson 16 chooses its thresholds on validation data and reads the test set only
from "## Judged once"; lesson 17 never opens it. These tests read each lesson's code cells before that
point (definitions in `#| export` cells aside: they are not run on any data there) and fail if one of them
touches the test set. (`default_model` and `train_digit_model` record a test score in the model's
meta, its final number; nothing is chosen by it.)"""
import json, re
from pathlib import Path
import pytest

nbs = Path(__file__).resolve().parent.parent/'nbs'
READS_TEST = [(r"""['"](test|testing)['"]""", "the 'test' split or the testing/ folder"), (r'\b(x|y|xf|oh)_test\b', 'test tensors'),
              (r'\b(score_mlp|resnet_on_folders)\(', 'a function that scores the test set'),
              (r'\btrain_cnn\((?!.*\bdata=)', 'train_cnn without data= (it scores the test set by default)')]
# lesson: the start of the markdown cell from which the test set may be read (None: never)
FIRST_TEST = {'11_ten_digits': '## The test set, once', '12_deeper_nets': '## The test set, once', '13_convnets': '## The test set, once',
              '14_your_digits': 'Now the real test', '15_drawn_digits': None, '16_digit_or_not': '## Judged once', '17_draw_app': None}

def reads_of_test(cells):
    return [f'cell {i}: {why}: {line.strip()}' for i, c in enumerate(cells) if c['cell_type'] == 'code'
            for s in [''.join(c['source'])] if not s.startswith('#| export')
            for line in s.splitlines() for pat, why in READS_TEST if re.search(pat, line)]

@pytest.mark.parametrize('lesson', FIRST_TEST)
def test_the_test_set_is_read_only_for_final_scores(lesson):
    cells = json.loads((nbs/f'{lesson}.ipynb').read_text())['cells']
    marker = FIRST_TEST[lesson]
    end = len(cells) if marker is None else next(i for i, c in enumerate(cells) if c['cell_type'] == 'markdown' and ''.join(c['source']).startswith(marker))
    found = reads_of_test(cells[:end])
    assert not found, f'{lesson} reads the test set before its final scores:\n' + '\n'.join(found)

# what each lesson scores once, in its last section
SCORED = {'11_ten_digits': ["load_mnist('test')", 'ten_by_hand(all_data)', 'ten_with_learner(all_data)'],
          '12_deeper_nets': ['resnet_on_folders(', 'score_mlp('], '13_convnets': ['train_cnn(fast_net(), **FAST_RECIPE']}

@pytest.mark.parametrize('lesson', SCORED)
def test_each_ten_digit_lesson_scores_the_test_set_in_its_last_section(lesson):
    cells = json.loads((nbs/f'{lesson}.ipynb').read_text())['cells']
    end = next(i for i, c in enumerate(cells) if c['cell_type'] == 'markdown' and ''.join(c['source']).startswith('## The test set, once'))
    assert end > len(cells)//2
    after = '\n'.join(''.join(c['source']) for c in cells[end:] if c['cell_type'] == 'code')
    for call in SCORED[lesson]: assert call in after, (lesson, call)

def test_the_benchmark_trains_what_validation_chose(monkeypatch):
    """bench/fast_mnist.py scores on the test digits exactly the candidates that bench/speed_study.py chose on the
    validation digits: both take them from `RECIPES`, the package's one table of recipes, not from copies"""
    monkeypatch.syspath_prepend(str(nbs.parent/'bench'))
    import fast_mnist, speed_study
    from digitlab.recipes import RECIPES
    study = {k: {name: (make, recipe) for name, make, recipe, _ in v} for k, v in speed_study.candidates().items()}
    chosen = {'fast': ('fast_cnn (ours)', study['crop']['middle 20x20, betas (0.7, 0.9), 0.8 epochs']),
              'mid': (fast_mnist.MID_NAME, study['mid6']['mild augmentation, off for the last 20%']),
              'long': (fast_mnist.LONG_NAME,
                       study['best2']['best_cnn, middle 20x20, 32 epochs, augmentation off for the last 10%'])}
    ours = fast_mnist.our_recipes()
    for key, (name, (make, recipe)) in chosen.items():
        assert ours[name] is RECIPES[key], name   # the benchmark trains the package's entry itself
        assert recipe is RECIPES[key][1], (key, recipe)   # so did the study's candidate
        assert repr(make()) == repr(RECIPES[key][0](10)), key   # on the same net, layer for layer
    make, recipe = ours['best_cnn (ours)']
    assert make is RECIPES['best'][0] and recipe == RECIPES['best'][1]
    assert fast_mnist.our_recipes(epochs=2)['best_cnn (ours)'][1] == dict(RECIPES['best'][1], epochs=2)
