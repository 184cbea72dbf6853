//! Renders the view the route names, with the filtered analysis.
//!
//! Views are plain components taking the web [`Analysis`] (and the session view its `id`); the
//! router re-renders the view when the view, the session or the analysis changes, and never for
//! anything else. The document title names the view (tabs, the history menu). A view that does not exist yet renders [`coming`], with the same
//! `data-testid="view-<name>"` hook.

use leptos::prelude::*;

use crate::analysis::Analysis;
use crate::app::Controller;
use crate::route::View;
use crate::views;

/// A placeholder for a view still being built.
pub fn coming(view: View) -> AnyView {
    view! {
        <section class="panel view" data-testid=format!("view-{}", view.as_str())>
            <h2>{view.label()}</h2>
            <p class="muted">"This view is coming."</p>
        </section>
    }
    .into_any()
}

/// The view `view` of `analysis`.
pub fn render(view: View, id: Option<String>, analysis: Analysis) -> AnyView {
    use views::{
        activity, blocks, insights, models, overview, plans, projects, session, sessions, tools,
    };
    match view {
        View::Overview => view! { <overview::OverviewView analysis=analysis /> }.into_any(),
        View::Models => view! { <models::ModelsView analysis=analysis /> }.into_any(),
        View::Projects => view! { <projects::ProjectsView analysis=analysis /> }.into_any(),
        View::Sessions => view! { <sessions::SessionsView analysis=analysis /> }.into_any(),
        View::Session => {
            let id = id.unwrap_or_default();
            view! { <session::SessionView analysis=analysis id=id /> }.into_any()
        }
        View::Tools => view! { <tools::ToolsView analysis=analysis /> }.into_any(),
        View::Activity => view! { <activity::ActivityView analysis=analysis /> }.into_any(),
        View::Blocks => view! { <blocks::BlocksView analysis=analysis /> }.into_any(),
        View::Insights => view! { <insights::InsightsView analysis=analysis /> }.into_any(),
        View::Plans => view! { <plans::PlansView analysis=analysis /> }.into_any(),
    }
}

/// The current view.
#[component]
pub fn Router() -> impl IntoView {
    let ctl = expect_context::<Controller>();
    let page = Memo::new(move |_| ctl.route.with(|r| (r.view, r.id.clone())));
    // The tab and the history list name the view.
    Effect::new(move |_| {
        let view = page.with(|p| p.0);
        let title = match view {
            View::Overview => "agentmeter".to_owned(),
            v => format!("{} · agentmeter", v.label()),
        };
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&title);
        }
    });
    move || {
        let analysis = ctl.shown.get()?;
        let (view, id) = page.get();
        Some(render(view, id, analysis))
    }
}
