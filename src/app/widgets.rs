//! Small labelled egui widgets shared by the config sections; each carries its tooltip.

use bevy_egui::egui::{self, DragValue, Ui};

/// A combo box over an enum made by `enum_str!` (all values, shown by their config spelling).
macro_rules! enum_combo {
    ($ui:expr, $label:expr, $value:expr, $ty:ty, $tip:expr) => {{
        $ui.horizontal(|ui| {
            ui.label($label).on_hover_text($tip);
            bevy_egui::egui::ComboBox::from_id_salt($label)
                .selected_text($value.as_str())
                .show_ui(ui, |ui| {
                    for v in <$ty>::ALL {
                        ui.selectable_value($value, *v, v.as_str());
                    }
                })
                .response
                .on_hover_text($tip);
        });
    }};
}

pub fn number(ui: &mut Ui, label: &str, value: &mut f64, range: (f64, f64), speed: f64, tip: &str) {
    ui.horizontal(|ui| {
        ui.label(label).on_hover_text(tip);
        ui.add(
            DragValue::new(value)
                .range(range.0..=range.1)
                .speed(speed)
                .max_decimals(6),
        )
        .on_hover_text(tip);
    });
}

pub fn count<T: egui::emath::Numeric>(ui: &mut Ui, label: &str, value: &mut T, max: T, tip: &str) {
    ui.horizontal(|ui| {
        ui.label(label).on_hover_text(tip);
        ui.add(DragValue::new(value).range(T::from_f64(1.0)..=max))
            .on_hover_text(tip);
    });
}

pub fn vec3(ui: &mut Ui, label: &str, v: &mut [f64; 3], tip: &str) {
    ui.horizontal(|ui| {
        ui.label(label).on_hover_text(tip);
        for c in v.iter_mut() {
            ui.add(DragValue::new(c).speed(1.0).max_decimals(3))
                .on_hover_text(tip);
        }
    });
}

pub fn optional(
    ui: &mut Ui,
    label: &str,
    value: &mut Option<f64>,
    default: f64,
    range: (f64, f64),
    tip: &str,
) {
    ui.horizontal(|ui| {
        let mut on = value.is_some();
        if ui.checkbox(&mut on, label).on_hover_text(tip).changed() {
            *value = on.then_some(value.unwrap_or(default));
        }
        if let Some(v) = value.as_mut() {
            ui.add(
                DragValue::new(v)
                    .range(range.0..=range.1)
                    .speed(range.1 * 1e-3),
            )
            .on_hover_text(tip);
        }
    });
}
