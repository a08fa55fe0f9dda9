"""How does a neural network actually learn? From raw pixels to a trained digit classifier, following chapter 4 of fastbook and going further.

Modules:

- `digitlab.all`: How does a neural network actually learn? From raw pixels to a trained digit classifier, one runnable step at a time.
- `digitlab.app`: A local web page where you draw a digit and watch the course's models read it: each drawing's verdict, the course's models side by side, and the page called from a script.
- `digitlab.cli`: `digitlab` in a terminal: get the data, reproduce the course's results, train a model, and read your own digits.
- `digitlab.data`: MNIST on your own disk, laid out exactly as fastai's `untar_data` gives it, from digitlab's own copy of the files: cached arrays, the book's folders, a fast loader.
- `digitlab.drawing`: One reader for every picture of a digit: drawings, scans and photos made to look like MNIST's, measured on drawings made from real handwriting.
- `digitlab.evaluate`: Convolutional nets, and how to see what a model gets wrong: convolutions, batch norm, AdamW, label smoothing and augmentation, each shown before a recipe uses it; a small net past 99% in seconds of training, a bigger one past 99.5%; a confusion matrix and the worst mistakes; the test set, once.
- `digitlab.idx`: MNIST's four files, shipped with digitlab: the IDX format read and checked byte by byte, with errors that name the file.
- `digitlab.images`: Images of digits read from files, and an 18-layer convolutional network trained from scratch for one epoch, exported, loaded back, and asked about images it has never seen.
- `digitlab.inference`: Reading digits with a saved model: any picture made to look like MNIST's, and a trained model kept with what it needs to read it.
- `digitlab.learner`: A learner: the training loop as an object, with callbacks for everything else. The chapter's first further-research task, grown out of our own training loop one idea at a time.
- `digitlab.loaders`: Batches of data, as fastai's `DataLoaders`; then the same model, loss, optimizer and metric handed to fastai's `Learner`, which runs the loop for us and records what happened.
- `digitlab.losses`: Loss functions: a measure of how wrong the model is that the gradient can work with. Then mini-batches, and a training loop written out in full.
- `digitlab.models`: Neural nets: two linear layers with a ReLU between them, the smallest one, and what it buys over a linear model.
- `digitlab.nondigits`: Pictures that are no digit, for lesson 16's second model to learn from: made-up marks and objects, mangled handwriting and typeset letters.
- `digitlab.optim`: The step of the training loop, packaged as an object: `BasicOptim`, and proof that it does what PyTorch's and fastai's SGD do.
- `digitlab.pixels`: An image is a grid of numbers. Before any learning: how far can we get by comparing a digit with the average 3 and the average 7?
- `digitlab.recipes`: Training recipes: each net of the course and how it trains. Here linear, two- and three-layer nets on all ten digits, trained by our own `MiniLearner`; how the learning rate and depth change what they learn; the chapter's resnet18 on ten digits; then the test set, once.
- `digitlab.results`: Every model of the course trained again in one run, each beside the book's figure or the course's target, with a floor it must reach: the table behind `digitlab reproduce`.
- `digitlab.schedule`: The learning-rate finder, one-cycle training and early stopping as callbacks; every part of the learner checked; then the chapter's own models trained on it, loss for loss the same as fastai's `Learner`.
- `digitlab.sgd`: Seven steps that turn any function with weights into something that learns, tried on a toy problem first.
- `digitlab.sketches`: Drawings in strokes that are no digit: random figures for lesson 16's second model to learn from, and hand-written letters, shapes and pictures, one table of which judges it.
- `digitlab.speed`: How the course's CNN recipes were chosen and how fast they train: the recipe studies on validation digits, the side-by-side benchmark against public recipes, and how much margin a goal that every run must pass needs.
- `digitlab.train`: Training on all ten digits, the chapter's second further-research task: everything again on full MNIST. A validation set for every choice, the ten mean digits, why `mnist_loss` on a sigmoid per class fails, softmax and cross-entropy written from scratch, and the chapter's two routes on ten classes.
- `digitlab.verdicts`: Softmax always names a digit: a second model asks whether a picture is a digit at all, its thresholds chosen on validation data, the reader judged once on kinds of picture it never saw."""

__version__ = "0.0.1"

import warnings
# fastai's modules apply `torch.jit.script` on import, which torch 2.14 deprecates with a FutureWarning that says
# nothing a learner can act on. Hide that one message (no other) for everything that imports digitlab.
warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
